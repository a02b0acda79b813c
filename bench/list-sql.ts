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
  'select "payments"."id", "payments"."supplier_id", "payments"."creation_date", "payments"."due_date", "payments"."value", nullif("payments"."anticipation", \'none\') as "anticipation_status"'

/**
 * The count (from a count table) and the page: per anticipation status, the first offset + limit ids of
 * an index range in list order, merged, then only the page's rows; all in one statement. `branches`
 * holds each branch's conditions; `$n` numbers its parameters from `first`.
 */
function list(count: string, branches: ((n: () => string) => string)[], first: number): string {
  let next = first
  const n = () => `$${next++}`
  const parts = branches.map((conditions) => {
    const where = conditions(n)
    return `((select "payments"."id", "payments"."due_date" from "payments"${where ? ` where ${where}` : ''} order by "payments"."due_date", "payments"."id" limit ${n()}))`
  })
  const ids = `select "matching"."id" from (${parts.join(' union all ')}) as "matching" order by "matching"."due_date", "matching"."id" limit ${n()} offset ${n()}`
  const rows = `${COLUMNS} from (${ids}) as "page" inner join "payments" on "payments"."id" = "page"."id"`
  return `select counted.count, listed.* from (${count}) counted left join lateral ((${rows})) listed on true order by listed.due_date, listed.id`
}

/** A supplier's payments with status A (available): its own, no anticipation, due after today. */
export const SUPPLIER_AVAILABLE: Statement[] = [
  {
    text: list(
      `select coalesce(sum(payments), 0)::bigint as count from "supplier_payment_counts" where supplier_id = $1 and anticipation in ('none') and due_date > $2`,
      [
        (n) =>
          `"payments"."anticipation" = ${n()} and "payments"."supplier_id" = ${n()} and "payments"."due_date" > ${n()}`,
      ],
      3,
    ),
    params: ['supplier', 'today', 'none', 'supplier', 'today', 'branch_limit', 'limit', 'offset'],
  },
]

/** Every payment, as an operator sees them: one range of the (due_date, id) index. */
export const ALL_PAYMENTS: Statement[] = [
  {
    text: list('select coalesce(sum(payments), 0)::bigint as count from "payment_counts"', [() => ''], 1),
    params: ['branch_limit', 'limit', 'offset'],
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
