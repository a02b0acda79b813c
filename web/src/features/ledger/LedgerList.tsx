import { setQuery, useLocation } from '../../router'
import { CsvDownloadButton } from '../../ui/CsvDownloadButton'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { Field, onSubmit, TextField } from '../../ui/form'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { StatusBadge } from '../../ui/Tabs'
import { LedgerSummaryTables } from './LedgerSummary'
import { fetchLedgerCsv, KINDS, kindLabel, useLedger, type LedgerFilters, type Movement } from './queries'
import './ledger.css'
import { useFields } from '../../ui/useFields'

const FILTERS = ['from', 'to', 'kind', 'currency'] as const
type Filters = Record<(typeof FILTERS)[number], string>

function filtersOf(form: Filters): LedgerFilters {
  return Object.fromEntries(FILTERS.map((name) => [name, form[name] || undefined]))
}

/** Every movement of money in and out, its totals for the same dates, and a CSV of it. */
export function LedgerList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const form = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as Filters
  const filters = filtersOf(form)
  const movements = useLedger(filters, page)
  const period = [filters.from, filters.to].filter(Boolean).join('-to-')
  return (
    <Page
      title="Ledger"
      actions={
        <CsvDownloadButton
          fetchCsv={() => fetchLedgerCsv(filters)}
          filename={`ledger${period ? `-${period}` : ''}.csv`}
        />
      }
    >
      <LedgerFilterForm
        key={FILTERS.map((name) => form[name]).join('|')}
        initial={form}
        error={movements.error}
      />
      <LedgerSummaryTables from={filters.from} to={filters.to} />
      <section aria-labelledby="movements-title">
        <h2 id="movements-title">Movements</h2>
        <QueryState query={movements}>
          {(list) => (
            <>
              <MovementTable movements={list.results} />
              <Pager page={page} list={list} />
            </>
          )}
        </QueryState>
      </section>
    </Page>
  )
}

function LedgerFilterForm({ initial, error }: { initial: Filters; error: unknown }) {
  const [form, set] = useFields(initial)
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Filter the ledger"
      onSubmit={onSubmit(() =>
        setQuery({ ...form, currency: form.currency.trim().toUpperCase(), page: undefined }),
      )}
    >
      <TextField
        label="From"
        name="from"
        type="date"
        value={form.from}
        onChange={set('from')}
        error={error}
      />
      <TextField label="To" name="to" type="date" value={form.to} onChange={set('to')} error={error} />
      <Field label="Kind" name="kind" error={error}>
        {(props) => (
          <select {...props} value={form.kind} onChange={(event) => set('kind')(event.target.value)}>
            <option value="">Every kind</option>
            {KINDS.map((kind) => (
              <option key={kind.value} value={kind.value}>
                {kind.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField
        label="Currency"
        name="currency"
        placeholder="EUR"
        maxLength={3}
        autoCapitalize="characters"
        value={form.currency}
        onChange={set('currency')}
        error={error}
      />
      <button type="submit" className="primary">
        Filter
      </button>
    </form>
  )
}

function MovementTable({ movements }: { movements: Movement[] }) {
  return (
    <DataTable
      caption="Movements, newest first"
      // DataTable wants an id; a movement is one per kind and subject.
      rows={movements.map((movement) => ({
        ...movement,
        id: `${movement.kind}-${movement.subject.type}-${movement.subject.id}`,
      }))}
      empty="No movement matches these filters."
      columns={[
        { header: 'When', cell: (movement) => <DateText date={movement.at} /> },
        {
          header: 'Direction',
          cell: (movement) => (
            <StatusBadge status={movement.direction} label={movement.direction === 'in' ? 'In' : 'Out'} />
          ),
        },
        { header: 'Kind', cell: (movement) => kindLabel(movement.kind) },
        {
          header: 'Amount',
          numeric: true,
          cell: (movement) => <Money amount={movement.amount} currency={movement.currency} />,
        },
        { header: 'Status', cell: (movement) => movement.status },
        { header: 'For', cell: (movement) => `${movement.subject.type} #${movement.subject.id}` },
        {
          header: 'Provider',
          cell: (movement) =>
            movement.provider_ref ? `${movement.provider} · ${movement.provider_ref}` : movement.provider,
        },
      ]}
    />
  )
}
