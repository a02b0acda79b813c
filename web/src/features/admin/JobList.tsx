import { setQuery, useLocation } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { DateText } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { ErrorNotice, Notice, QueryState } from '../../ui/states'
import { StatusBadge, Tabs } from '../../ui/Tabs'
import { useJobs, useRetryJob, type Job, type JobState } from './queries'
import './admin.css'

const STATES: { value: JobState; label: string }[] = [
  { value: 'failed', label: 'Failed' },
  { value: 'retry', label: 'Waiting to run again' },
  { value: 'created', label: 'Waiting' },
  { value: 'active', label: 'Running' },
  { value: 'completed', label: 'Completed' },
]

/** Background jobs (emails, payouts, images); the failed ones can run again. */
export function JobList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const state = STATES.find((s) => s.value === query.get('state'))?.value ?? 'failed'
  const jobs = useJobs(state, page)
  return (
    <Page title="Background jobs">
      <Tabs
        label="Jobs by state"
        tabs={STATES}
        current={state}
        onChange={(value) => setQuery({ state: value === 'failed' ? undefined : value, page: undefined })}
      />
      <QueryState query={jobs}>
        {(list) => (
          <>
            <JobTable jobs={list.results} />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function JobTable({ jobs }: { jobs: Job[] }) {
  const retry = useRetryJob()
  return (
    <>
      <ErrorNotice error={retry.error} />
      {retry.isSuccess ? <Notice>The job will run again as soon as a worker is free.</Notice> : null}
      <DataTable
        caption="Background jobs, newest first"
        rows={jobs}
        empty="No job in this state."
        columns={[
          { header: 'Job', cell: (job) => <code>{job.queue}</code> },
          { header: 'State', cell: (job) => <StatusBadge status={job.state} /> },
          { header: 'Runs', numeric: true, cell: (job) => `${job.attempts} of ${job.max_attempts}` },
          { header: 'Created', cell: (job) => <DateText date={job.created_at} /> },
          { header: 'Last error', cell: (job) => job.last_error ?? '—' },
          {
            header: 'Actions',
            cell: (job) =>
              job.state === 'failed' ? (
                <ConfirmButton
                  title={`Run ${job.queue} again?`}
                  message="It runs once more with the same data; jobs check whether their effect already happened."
                  confirmLabel="Run again"
                  disabled={retry.isPending}
                  onConfirm={() => retry.mutate(job.id)}
                >
                  Retry
                </ConfirmButton>
              ) : null,
          },
        ]}
      />
    </>
  )
}
