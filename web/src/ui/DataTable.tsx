import type { ReactNode } from 'react'
import { setQuery } from '../router'
import { Empty } from './states'

export interface Column<T> {
  header: string
  cell: (row: T) => ReactNode
  /** Right-aligned (amounts, counts). */
  numeric?: boolean
}

/** One table for every list: a caption for screen readers, an empty state, rows keyed by id. */
export function DataTable<T extends object>({
  caption,
  columns,
  rows,
  empty,
  rowKey,
}: {
  caption: string
  columns: Column<T>[]
  rows: T[]
  empty: ReactNode
  rowKey?: (row: T, index: number) => string | number
}) {
  if (rows.length === 0) return <Empty>{empty}</Empty>
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={column.numeric ? 'numeric' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey ? rowKey(row, index) : idOf(row, index)}>
              {columns.map((column) => (
                <td
                  key={column.header}
                  data-label={column.header}
                  className={column.numeric ? 'numeric' : undefined}
                >
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** A row's `id` when it has one, else its position (rows without ids are not reordered). */
function idOf(row: object, index: number): string | number {
  const id: unknown = 'id' in row ? row.id : undefined
  return typeof id === 'number' || typeof id === 'string' ? id : index
}

/** A page of an API list (`{count, next, previous, results}`); `page` lives in the URL. */
export interface PageOf<T> {
  count: number
  next: string | null
  previous: string | null
  results: T[]
}

export function Pager({
  page,
  list,
  pageSize = 10,
}: {
  page: number
  list: PageOf<unknown>
  pageSize?: number
}) {
  const pages = Math.max(1, Math.ceil(list.count / pageSize))
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        disabled={!list.previous}
        onClick={() => setQuery({ page: page - 1 === 1 ? undefined : page - 1 })}
      >
        Previous
      </button>
      <span aria-live="polite">
        Page {page} of {pages} · {list.count} in all
      </span>
      <button type="button" disabled={!list.next} onClick={() => setQuery({ page: page + 1 })}>
        Next
      </button>
    </nav>
  )
}

/** The `page` query parameter (1 when absent or not a positive whole number). */
export function pageFrom(query: URLSearchParams): number {
  const page = Number(query.get('page'))
  return Number.isInteger(page) && page > 0 ? page : 1
}
