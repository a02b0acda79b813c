import { Link, setQuery, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { Field, onSubmit, TextField } from '../../ui/form'
import { DateText } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { Changes } from './Changes'
import { useAudit, type AuditEvent } from './queries'
import './admin.css'
import { useFields } from '../../ui/useFields'

const SUBJECT_TYPES = ['complaint', 'anticipation', 'payout', 'bank_account', 'user', 'supplier']
const FILTERS = ['actor', 'subject_type', 'subject_id', 'action', 'from', 'to'] as const
type Filters = Record<(typeof FILTERS)[number], string>

/** An id as typed; what is not a number goes to the API as it is, which says what is wrong. */
function idFrom(value: string): number | undefined {
  return value === '' ? undefined : Number(value)
}

/** Who did what to money, roles and bank accounts, newest first. */
export function AuditLog() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as Filters
  const events = useAudit({
    page,
    actor: idFrom(filters.actor),
    subject_type: filters.subject_type || undefined,
    subject_id: idFrom(filters.subject_id),
    action: filters.action || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
  })
  return (
    <Page title="Audit log">
      <AuditFilters key={query.toString()} initial={filters} error={events.error} />
      <QueryState query={events}>
        {(list) => (
          <>
            <AuditTable events={list.results} />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function AuditFilters({ initial, error }: { initial: Filters; error: unknown }) {
  const [form, set] = useFields(initial)
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={onSubmit(() => setQuery({ ...form, page: undefined }))}
    >
      <TextField
        label="Actor (user id)"
        name="actor"
        inputMode="numeric"
        value={form.actor}
        onChange={set('actor')}
        error={error}
      />
      <SubjectSelect value={form.subject_type} onChange={set('subject_type')} error={error} />
      <TextField
        label="Subject id"
        name="subject_id"
        inputMode="numeric"
        value={form.subject_id}
        onChange={set('subject_id')}
        error={error}
      />
      <TextField
        label="Action"
        name="action"
        placeholder="user.roles_changed"
        value={form.action}
        onChange={set('action')}
        error={error}
      />
      <TextField
        label="From"
        name="from"
        type="date"
        value={form.from}
        onChange={set('from')}
        error={error}
      />
      <TextField label="To" name="to" type="date" value={form.to} onChange={set('to')} error={error} />
      <button type="submit" className="primary">
        Filter
      </button>
    </form>
  )
}

function SubjectSelect({
  value,
  onChange,
  error,
}: {
  value: string
  onChange: (value: string) => void
  error: unknown
}) {
  return (
    <Field label="Subject" name="subject_type" error={error}>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">Any subject</option>
          {SUBJECT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type.replace('_', ' ')}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <DataTable
      caption="Audit events, newest first"
      rows={events}
      empty="No event matches these filters."
      columns={[
        { header: 'When', cell: (event) => <DateText date={event.at} /> },
        {
          header: 'Who',
          cell: (event) =>
            event.actor !== null ? (
              <Link to={`/admin/audit?actor=${event.actor}`}>User #{event.actor}</Link>
            ) : (
              (event.actor_label ?? 'System')
            ),
        },
        { header: 'Action', cell: (event) => <code>{event.action}</code> },
        {
          header: 'Subject',
          cell: (event) => `${event.subject_type.replace('_', ' ')} #${event.subject_id}`,
        },
        { header: 'Changes', cell: (event) => <Changes changes={event.changes} /> },
        {
          header: 'Request',
          cell: (event) => (event.request_id ? <code className="small">{event.request_id}</code> : '—'),
        },
      ]}
    />
  )
}
