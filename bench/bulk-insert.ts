import type pg from 'pg'

/** One INSERT of many payments, timed with and without the triggers that keep the counts. */
export interface BulkInsertResult {
  payments: number
  supplierId: number
  dueDate: string
  /** The INSERT with every trigger, committed (its payments then feed the concentrated anticipations). */
  seconds: number
  /** The same INSERT with the count triggers disabled, rolled back. */
  withoutCountTriggersSeconds: number
  /** The triggers that were disabled for the comparison. */
  countTriggers: string[]
}

const INSERT = `insert into payments (supplier_id, creation_date, due_date, value, created_at)
  select $1, $2::date, $3::date, 1000.00 + (g % 100), now() from generate_series(1, $4::int) g`

/**
 * A month-end batch from an ERP: `payments` payments for one supplier, all due on one date, in one
 * statement. First with the count triggers disabled (in a transaction rolled back), then as Bureau
 * runs it, committed. The count triggers are the user triggers on payments whose name says "count".
 */
export async function bulkInsertPayments(
  client: pg.Client,
  batch: { supplierId: number; today: string; dueDate: string; payments: number },
): Promise<BulkInsertResult> {
  const values = [batch.supplierId, batch.today, batch.dueDate, batch.payments]
  const { rows } = await client.query<{ tgname: string }>(
    `select tgname from pg_trigger
     where tgrelid = 'payments'::regclass and not tgisinternal and tgname like '%count%' order by tgname`,
  )
  const countTriggers = rows.map((row) => row.tgname)
  await client.query('begin')
  let withoutCountTriggersSeconds: number
  try {
    for (const name of countTriggers) await client.query(`alter table payments disable trigger ${name}`)
    withoutCountTriggersSeconds = await timed(() => client.query(INSERT, values))
  } finally {
    await client.query('rollback')
  }
  const seconds = await timed(() => client.query(INSERT, values))
  await client.query('vacuum (analyze) payments')
  return { ...batch, seconds, withoutCountTriggersSeconds, countTriggers }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

/** The batch's payments that can still be anticipated (status A), in random order. */
export async function batchPayments(
  client: pg.Client,
  batch: { supplierId: number; dueDate: string },
  limit: number,
): Promise<{ id: number; supplier_id: number }[]> {
  const { rows } = await client.query<{ id: number; supplier_id: number }>(
    `select id, supplier_id from payments
     where supplier_id = $1 and due_date = $2 and anticipation = 'none'
     order by random() limit $3`,
    [batch.supplierId, batch.dueDate, limit],
  )
  return rows
}
