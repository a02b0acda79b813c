import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { createLedgerRepository, decodeCursor, type BillingTables } from '../src/modules/billing/index.ts'
import { payoutLedgerSource } from '../src/platform/payouts/index.ts'

/** One statement of a ledger page and what EXPLAIN (ANALYZE, BUFFERS) says of it. */
export interface PlanOfStatement {
  page: string
  /** count (from the day totals) or rows (the page's movements). */
  statement: string
  executionMs: number
  sharedHit: number
  sharedRead: number
  plan: string
}

type LedgerFilter = Parameters<ReturnType<typeof createLedgerRepository>['page']>[0]

interface Plan {
  'Execution Time': number
  Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number }
}

/**
 * The SQL of a ledger page as Bureau's repository writes it (captured from its queries, with their
 * parameters), each statement run again under EXPLAIN (ANALYZE, BUFFERS): the first page, page 100,
 * and a page from a cursor deep in the ledger.
 */
export async function explainLedgerPages(
  url: string,
  client: pg.Client,
  deepCursor: string,
): Promise<PlanOfStatement[]> {
  const captured: CompiledQuery[] = []
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'bureau-bench' })
  const db = new Kysely<BillingTables>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query)
    },
  })
  const repository = createLedgerRepository(db, payoutLedgerSource)
  const after = decodeCursor(deepCursor)
  const pages: { page: string; filter: LedgerFilter; offset: number }[] = [
    { page: 'page 1', filter: { timeZone: 'UTC' }, offset: 0 },
    { page: 'page 100', filter: { timeZone: 'UTC' }, offset: 990 },
    { page: 'deep cursor', filter: { timeZone: 'UTC', after }, offset: 0 },
  ]
  const plans: PlanOfStatement[] = []
  try {
    for (const { page, filter, offset } of pages) {
      captured.length = 0
      // As the service asks: one row more than the page, to know whether another follows.
      await repository.page(filter, { limit: 11, offset })
      for (const query of captured) {
        const statement = /coalesce\(sum\(p\.movements\)/.test(query.sql) ? 'count' : 'rows'
        const json = await client.query<{ 'QUERY PLAN': Plan[] }>(
          `explain (analyze, buffers, format json) ${query.sql}`,
          [...query.parameters],
        )
        const text = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, [
          ...query.parameters,
        ])
        const plan = json.rows[0]?.['QUERY PLAN'][0]
        plans.push({
          page,
          statement,
          executionMs: plan?.['Execution Time'] ?? NaN,
          sharedHit: plan?.Plan['Shared Hit Blocks'] ?? 0,
          sharedRead: plan?.Plan['Shared Read Blocks'] ?? 0,
          plan: text.rows.map((row) => row['QUERY PLAN']).join('\n'),
        })
      }
    }
  } finally {
    await db.destroy()
  }
  return plans
}
