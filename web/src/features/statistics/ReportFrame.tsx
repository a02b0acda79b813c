import type { ReactNode } from 'react'
import { BarChart, type BarSeries } from '../../ui/BarChart'
import { CsvDownloadButton } from '../../ui/CsvDownloadButton'
import { DataTable, type Column } from '../../ui/DataTable'
import { DateText } from '../../ui/Money'
import { monthLabel } from './chart-data'
import { fetchReportCsv, type Range, type ReportName } from './queries'

/**
 * One report: the dates it covers (as the API answered them), a bar chart by month, the rows in a
 * table, and the same rows as CSV.
 */
export function ReportFrame<T extends { month: string }>({
  name,
  title,
  range,
  report,
  chart,
  columns,
  rowKey,
  shown,
  children,
  after,
}: {
  name: ReportName
  title: string
  range: Range
  report: { from: string; to: string; rows: T[] }
  /** `months`: the chart's months, when they are not those of the rows (a page of a longer table). */
  chart: { description: string; series: BarSeries[]; format?: (value: number) => string; months?: string[] }
  columns: Column<T>[]
  rowKey: (row: T) => string
  /** The rows worth a line in the table (reports with a row per combination have many empty ones). */
  shown?: (row: T) => boolean
  children?: ReactNode
  /** Below the table (a pager). */
  after?: ReactNode
}) {
  const months = chart.months ?? [...new Set(report.rows.map((row) => row.month))]
  return (
    <section aria-labelledby={`${name}-title`} className="report">
      <header className="report-header">
        <div>
          <h2 id={`${name}-title`}>{title}</h2>
          <p className="muted">
            From <DateText date={report.from} /> to <DateText date={report.to} />.
          </p>
        </div>
        <CsvDownloadButton
          fetchCsv={() => fetchReportCsv(name, range)}
          filename={`${name}-${report.from}-to-${report.to}.csv`}
        />
      </header>
      <BarChart
        title={title}
        description={chart.description}
        categories={months}
        categoryLabel={monthLabel}
        series={chart.series}
        wholeNumbers
        {...(chart.format ? { format: chart.format } : {})}
      />
      {children}
      {shown ? <p className="muted">Rows with nothing are left out here; the CSV has every row.</p> : null}
      <DataTable
        caption={`${title}, by month`}
        rows={report.rows.filter((row) => !shown || shown(row)).map((row) => ({ ...row, id: rowKey(row) }))}
        empty="Nothing happened in these dates."
        columns={columns.map((column) => ({
          ...column,
          cell: (row: T & { id: string }) => column.cell(row),
        }))}
      />
      {after}
    </section>
  )
}

export const monthColumn = <T extends { month: string }>(): Column<T> => ({
  header: 'Month',
  cell: (row) => monthLabel(row.month),
})
