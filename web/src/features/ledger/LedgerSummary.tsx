import { DataTable } from '../../ui/DataTable'
import { Money } from '../../ui/Money'
import { QueryState } from '../../ui/states'
import { kindLabel, useLedgerSummary, type LedgerSummary } from './queries'

/** The settled totals in and out by kind and currency, and the net per currency, for the same dates. */
export function LedgerSummaryTables({ from, to }: { from?: string | undefined; to?: string | undefined }) {
  const summary = useLedgerSummary({ from, to })
  return (
    <section aria-labelledby="summary-title">
      <h2 id="summary-title">Summary</h2>
      <p className="muted">
        Settled movements only: paid booking payments, refunds made, payouts funded or completed.
      </p>
      <QueryState query={summary}>{(data) => <SummaryTables summary={data} />}</QueryState>
    </section>
  )
}

function SummaryTables({ summary }: { summary: LedgerSummary }) {
  return (
    <div className="ledger-summary">
      <DataTable
        caption="Net per currency"
        rows={summary.net.map((row) => ({ ...row, id: row.currency }))}
        empty="Nothing was settled in these dates."
        columns={[
          { header: 'Currency', cell: (row) => row.currency },
          { header: 'In', numeric: true, cell: (row) => <Money amount={row.in} currency={row.currency} /> },
          { header: 'Out', numeric: true, cell: (row) => <Money amount={row.out} currency={row.currency} /> },
          {
            header: 'Net',
            numeric: true,
            cell: (row) => <Money amount={row.net} currency={row.currency} />,
          },
        ]}
      />
      {summary.totals.length > 0 ? (
        <DataTable
          caption="Totals by kind and currency"
          rows={summary.totals.map((row) => ({ ...row, id: `${row.currency}-${row.direction}-${row.kind}` }))}
          empty=""
          columns={[
            { header: 'Kind', cell: (row) => kindLabel(row.kind) },
            { header: 'Direction', cell: (row) => (row.direction === 'in' ? 'In' : 'Out') },
            { header: 'Movements', numeric: true, cell: (row) => row.count },
            {
              header: 'Total',
              numeric: true,
              cell: (row) => <Money amount={row.total} currency={row.currency} />,
            },
          ]}
        />
      ) : null}
    </div>
  )
}
