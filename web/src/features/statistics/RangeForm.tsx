import { useState, type ReactNode } from 'react'
import { ApiError } from '../../api/problem'
import { setQuery } from '../../router'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { QueryState } from '../../ui/states'
import type { Range } from './queries'

/**
 * The dates of a report, kept in the address; empty means the API's default, the last 12 months.
 * The API's messages (from after to, a range of 5 years or more) show beside the dates.
 */
export function RangeForm({ range, error }: { range: Range; error: unknown }) {
  const [from, setFrom] = useState(range.from ?? '')
  const [to, setTo] = useState(range.to ?? '')
  return (
    <form
      className="toolbar"
      aria-label="Dates of the report"
      onSubmit={onSubmit(() => setQuery({ from, to }))}
    >
      <TextField label="From" name="from" type="date" value={from} onChange={setFrom} error={error} />
      <TextField label="To" name="to" type="date" value={to} onChange={setTo} error={error} />
      <button type="submit" className="primary">
        Show
      </button>
      <p className="hint">Both days included; without dates, the last 12 months.</p>
      <FormErrors error={error} fields={['from', 'to']} />
    </form>
  )
}

/** A report under its dates form; dates the API refused are explained beside the dates only. */
export function DatedReport<T>({
  range,
  query,
  children,
}: {
  range: Range
  query: { data: T | undefined; error: unknown; isPending: boolean }
  children: (data: T) => ReactNode
}) {
  const refused = query.error instanceof ApiError && query.error.problem.status === 400
  return (
    <>
      <RangeForm key={`${range.from ?? ''}|${range.to ?? ''}`} range={range} error={query.error} />
      {refused ? null : <QueryState query={query}>{children}</QueryState>}
    </>
  )
}
