import { useState } from 'react'
import { setQuery, useLocation } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { DataTable, Pager, pageFrom, type Column } from '../../ui/DataTable'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { formatMoney } from '../../ui/format'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { StatusBadge } from '../../ui/Tabs'
import { ErrorNotice, Notice, QueryState } from '../../ui/states'
import {
  PAYOUT_PURPOSES,
  PAYOUT_STATUSES,
  useMarkPaid,
  usePayouts,
  useRetryPayout,
  type Payout,
} from './queries'
import './payouts.css'

/** Money going out (complaint refunds, early payments), with retry and manual settlement. */
export function PayoutList() {
  const { query } = useLocation()
  const filter = {
    status: query.get('status') ?? '',
    purpose: query.get('purpose') ?? '',
    page: pageFrom(query),
  }
  const payouts = usePayouts(filter)
  const retry = useRetryPayout()
  const [paying, setPaying] = useState<Payout | undefined>()
  return (
    <Page title="Payouts">
      <Filters status={filter.status} purpose={filter.purpose} />
      <ErrorNotice error={retry.error} />
      {retry.isSuccess ? <Notice>Payout #{retry.data.id} is queued again.</Notice> : null}
      {paying ? <MarkPaidForm key={paying.id} payout={paying} onDone={() => setPaying(undefined)} /> : null}
      <QueryState query={payouts}>
        {(list) => (
          <>
            <DataTable
              caption="Payouts"
              rows={list.results}
              empty="No payout matches."
              columns={columns((payout) => retry.mutate(payout.id), setPaying)}
            />
            <Pager page={filter.page} list={list} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function Filters({ status, purpose }: { status: string; purpose: string }) {
  return (
    <div className="toolbar" role="search" aria-label="Filter payouts">
      <div className="field">
        <label htmlFor="payouts-status">Status</label>
        <select
          id="payouts-status"
          value={status}
          onChange={(event) => setQuery({ status: event.target.value, page: undefined })}
        >
          <option value="">Any status</option>
          {PAYOUT_STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="payouts-purpose">Purpose</label>
        <select
          id="payouts-purpose"
          value={purpose}
          onChange={(event) => setQuery({ purpose: event.target.value, page: undefined })}
        >
          <option value="">Any purpose</option>
          {Object.entries(PAYOUT_PURPOSES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </div>
  )
}

function recipientText(payout: Payout): string {
  const to = payout.recipient
  if (!to) return 'No account'
  const account = to.iban ?? [to.bank_code, to.branch, to.account_number].filter(Boolean).join(' / ')
  return `${to.holder_name} · ${account}`
}

function columns(retry: (payout: Payout) => void, markPaid: (payout: Payout) => void): Column<Payout>[] {
  return [
    { header: 'Payout', cell: (row) => `#${row.id}` },
    { header: 'Created', cell: (row) => <DateText date={row.created_at} /> },
    {
      header: 'Purpose',
      cell: (row) => `${PAYOUT_PURPOSES[row.purpose] ?? row.purpose} #${row.subject_id}`,
    },
    { header: 'To', cell: recipientText },
    { header: 'Amount', numeric: true, cell: (row) => <Money amount={row.amount} currency={row.currency} /> },
    { header: 'Provider', cell: (row) => row.provider },
    {
      header: 'Status',
      cell: (row) => (
        <>
          <StatusBadge status={row.status} />
          {row.failure_reason ? <span className="payout-note">{row.failure_reason}</span> : null}
          {row.reference ? <span className="payout-note">Ref. {row.reference}</span> : null}
        </>
      ),
    },
    { header: 'Actions', cell: (row) => <Actions payout={row} retry={retry} markPaid={markPaid} /> },
  ]
}

function Actions({
  payout,
  retry,
  markPaid,
}: {
  payout: Payout
  retry: (payout: Payout) => void
  markPaid: (payout: Payout) => void
}) {
  const amount = formatMoney(payout.amount, payout.currency)
  return (
    <div className="payout-actions">
      {payout.status === 'failed' ? (
        <ConfirmButton
          title={`Retry payout #${payout.id}?`}
          message={
            <p>
              {amount} will be sent again to {recipientText(payout)}.
            </p>
          }
          confirmLabel="Retry"
          onConfirm={() => retry(payout)}
        >
          Retry
        </ConfirmButton>
      ) : null}
      {payout.provider === 'manual' && ['approved', 'funded'].includes(payout.status) ? (
        <button type="button" onClick={() => markPaid(payout)}>
          Mark paid…
        </button>
      ) : null}
    </div>
  )
}

function MarkPaidForm({ payout, onDone }: { payout: Payout; onDone: () => void }) {
  const [reference, setReference] = useState('')
  const mark = useMarkPaid(payout.id)
  const amount = formatMoney(payout.amount, payout.currency)
  return (
    <form className="form" onSubmit={onSubmit(() => undefined)} aria-labelledby="mark-paid-title" noValidate>
      <h2 id="mark-paid-title">Mark payout #{payout.id} paid</h2>
      <p>
        {amount} to {recipientText(payout)}, paid outside Bureau.
      </p>
      <TextField
        label="Reference"
        name="reference"
        hint="How it was paid: the bank’s transaction reference, for instance."
        value={reference}
        onChange={setReference}
        error={mark.error}
      />
      <FormErrors error={mark.error} fields={['reference']} />
      <div className="payout-actions">
        <ConfirmButton
          title={`Mark payout #${payout.id} paid?`}
          message={
            <p>
              {amount} will be recorded as paid with the reference “{reference}”.
            </p>
          }
          confirmLabel="Mark paid"
          disabled={mark.isPending}
          onConfirm={() => mark.mutate(reference, { onSuccess: onDone })}
        >
          Mark paid
        </ConfirmButton>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
