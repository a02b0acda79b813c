/**
 * The statement GET /api/payments/ issues (listPayments in supplier-payments.repository.ts, as Kysely
 * compiles it): the count and the page in one. Written out here
 * because bench/ may not import a module's internals; `capturedStatements` checks them against what
 * the running server really sends.
 */

export interface Statement {
  /** The SQL with $1, $2… exactly as the server sends it. */
  text: string
  /** The pgbench variable of each parameter, in order. */
  params: string[]
}

const COLUMNS =
  'select "payments"."id", "payments"."supplier_id", "payments"."creation_date", "payments"."due_date", "payments"."value", "payments"."anticipation_status"'
const ORDER = 'order by "payments"."due_date", "payments"."id"'

/**
 * The count (from a count table) and the page (ids by an index-only scan in list order, then only
 * those rows), in one statement.
 */
function list(count: string, where: string, limit: string, offset: string): string {
  const ids = `select "payments"."id" from "payments"${where} ${ORDER} limit ${limit} offset ${offset}`
  const rows = `${COLUMNS} from (${ids}) as "page" inner join "payments" on "payments"."id" = "page"."id"`
  return `select counted.count, listed.* from (${count}) counted left join lateral ((${rows})) listed on true order by listed.due_date, listed.id`
}

/** A supplier's payments with status A (available): its own, no anticipation, due after today. */
export const SUPPLIER_AVAILABLE: Statement[] = [
  {
    text: list(
      `select coalesce(sum(payments), 0)::bigint as count from "supplier_payment_counts" where supplier_id = $1 and anticipation = 'none' and due_date > $2`,
      ' where "supplier_id" = $3 and "anticipation_status" is null and "due_date" > $4',
      '$5',
      '$6',
    ),
    params: ['supplier', 'today', 'supplier', 'today', 'limit', 'offset'],
  },
]

/** Every payment, as an operator sees them. */
export const ALL_PAYMENTS: Statement[] = [
  {
    text: list('select coalesce(sum(payments), 0)::bigint as count from "payment_counts"', '', '$1', '$2'),
    params: ['limit', 'offset'],
  },
]

/** A pgbench script running the statements one after the other, with :variables for parameters. */
export function pgbenchScript(statements: Statement[], prelude: string[]): string {
  const lines = statements.map(
    (statement) =>
      `${statement.text.replace(/\$(\d+)/g, (_, n: string) => `:${statement.params[Number(n) - 1] ?? '?'}`)};`,
  )
  return `${[...prelude, ...lines].join('\n')}\n`
}

/** The same statements with literal values, for EXPLAIN. */
export function withValues(statement: Statement, values: Record<string, string | number>): string {
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[statement.params[Number(n) - 1] ?? '']
    if (value === undefined) throw new Error(`No value for $${n} of ${statement.text}`)
    return typeof value === 'number' ? String(value) : `'${value}'`
  })
}
