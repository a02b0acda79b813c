/**
 * The audit log's filters on 1 000 000 events: loads them into a scratch database on the local
 * PostgreSQL (generate_series), then EXPLAIN ANALYZEs the page and the count GET /api/audit runs for
 * each filter. `node bench/audit-log.ts [events]`; BENCH_DATABASE_URL is the admin connection.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase } from '../src/platform/database/database.ts'
import { migrateToLatest } from '../src/platform/database/migrations.ts'

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres'
const events = Number(process.argv[2] ?? 1_000_000)
const USERS = 1000

const FILTERS: Record<string, string> = {
  none: 'true',
  actor: 'actor_id = 42',
  subject: "subject_type = 'payout' and subject_id = 4243",
  action: "action = 'complaint.approved'",
  'from/to (one week)': "at >= '2026-02-01' and at < '2026-02-08'",
  'actor + from/to': "actor_id = 42 and at >= '2026-02-01' and at < '2026-03-01'",
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const name = `bureau_audit_${randomBytes(4).toString('hex')}`
  await admin(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  try {
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 })
    await migrateToLatest(database.db)
    await database.close()
    const client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    await client.query(`
      insert into users (email, first_name, last_name, created_at, updated_at)
      select 'user' || i || '@bench.test', 'Bench', 'User', now(), now() from generate_series(1, ${USERS}) i`)
    const started = Date.now()
    await client.query(`
      insert into audit_events (at, actor_id, actor_label, action, subject_type, subject_id, request_id, changes)
      select timestamptz '2025-03-01' + (i * interval '31 seconds'),
             case when i % 5 = 0 then null else 1 + i % ${USERS} end,
             case when i % 5 = 0 then 'job:fund-payout' end,
             (array['complaint.approved', 'complaint.rejected', 'complaint.filed', 'payout.pending',
                    'payout.prepared', 'payout.approved', 'payout.completed', 'anticipation.approved',
                    'bank_account.updated', 'user.roles_changed'])[1 + i % 10],
             (array['complaint', 'payout', 'anticipation', 'bank_account', 'user', 'supplier'])[1 + i % 6],
             i % 100000, 'req-' || i, '{"status": "approved"}'
      from generate_series(1, ${events}) i`)
    await client.query('analyze audit_events')
    process.stdout.write(`${events} events loaded in ${Date.now() - started} ms\n\n`)
    process.stdout.write('| filter | page (10 newest) ms | count ms | count |\n|---|---|---|---|\n')
    for (const [label, where] of Object.entries(FILTERS)) {
      const page = await explain(
        client,
        `select * from audit_events where ${where} order by id desc limit 10`,
      )
      const count = await explain(client, `select count(*) from audit_events where ${where}`)
      const { rows } = await client.query<{ count: string }>(
        `select count(*) from audit_events where ${where}`,
      )
      process.stdout.write(`| ${label} | ${page} | ${count} | ${rows[0]?.count ?? '?'} |\n`)
    }
    await client.end()
  } finally {
    await admin(`drop database if exists ${name} with (force)`)
  }
}

/** The execution time EXPLAIN ANALYZE reports, best of three (warm cache). */
async function explain(client: pg.Client, statement: string): Promise<string> {
  let best = Infinity
  for (let run = 0; run < 3; run++) {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain analyze ${statement}`)
    const line = rows.map((row) => row['QUERY PLAN']).find((text) => text.startsWith('Execution Time'))
    best = Math.min(best, Number(/([\d.]+) ms/.exec(line ?? '')?.[1] ?? NaN))
  }
  return best.toFixed(2)
}

await main()
