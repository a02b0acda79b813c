import { hash } from '@node-rs/argon2'
import type pg from 'pg'

export const SUPPLIERS = 100
export const BENCH_PASSWORD = 'bench-password-2024'
export const OPERATOR_EMAIL = 'operator@bench.bureau.test'

export function supplierEmail(n: number): string {
  return `supplier-${String(n).padStart(3, '0')}@bench.bureau.test`
}

/** The argon2id hash of BENCH_PASSWORD with Bureau's parameters (src/modules/auth/passwords.ts), for every user. */
export function benchPasswordHash(): Promise<string> {
  return hash(BENCH_PASSWORD, { memoryCost: 19_456, timeCost: 2, parallelism: 1 })
}

/**
 * Runs a bulk load in one transaction. Every row it writes must be consistent by construction: a
 * superuser skips the per-row triggers of the load (foreign keys, and Bureau's own triggers, whose
 * work the load then does itself); anyone else just loads more slowly.
 */
export async function bulkLoad(client: pg.Client, load: () => Promise<void>): Promise<void> {
  await client.query('begin')
  try {
    const { rows: roles } = await client.query<{ rolsuper: boolean }>(
      'select rolsuper from pg_roles where rolname = current_user',
    )
    if (roles[0]?.rolsuper) await client.query('set local session_replication_role = replica')
    await load()
    await client.query('commit')
  } catch (error) {
    await client.query('rollback')
    throw error
  }
}

export interface DataSet {
  today: string
  payments: number
  anticipations: number
  logs: number
  seconds: number
}

/**
 * Fills a freshly migrated database straight in SQL (generate_series, not the API): 100 suppliers, each
 * with a user and a company; an operator; `payments` payments due within a year either side of today;
 * anticipations on 30 % of them (PC, A and D in equal thirds); a request log R for every anticipation
 * and a decision log for every decided one (50 % of `payments` in all). Then VACUUM ANALYZE, the state
 * autovacuum would reach on its own, so it does not start in the middle of a measurement.
 */
export async function generateData(client: pg.Client, payments: number, today: string): Promise<DataSet> {
  const started = performance.now()
  const passwordHash = await benchPasswordHash()
  const anticipations = Math.round(payments * 0.3)
  await bulkLoad(client, async () => {
    await client.query(
      `insert into users (email, password_hash, first_name, last_name, roles, email_verified_at, created_at, updated_at)
       select format('supplier-%s@bench.bureau.test', lpad(n::text, 3, '0')), $1, 'Supplier', lpad(n::text, 3, '0'),
              '{}', now(), now(), now()
       from generate_series(1, ${SUPPLIERS}) n`,
      [passwordHash],
    )
    await client.query(
      `insert into users (email, password_hash, first_name, last_name, roles, email_verified_at, created_at, updated_at)
       values ($1, $2, 'Bench', 'Operator', '{operator}', now(), now(), now())`,
      [OPERATOR_EMAIL, passwordHash],
    )
    await client.query(
      `insert into companies (legal_name, registration_number, email, created_at, updated_at)
       select format('Bench Supplier %s Ltda.', lpad(n::text, 3, '0')), (10000000000000 + n)::text,
              format('billing-%s@bench.bureau.test', lpad(n::text, 3, '0')), now(), now()
       from generate_series(1, ${SUPPLIERS}) n`,
    )
    await client.query(
      `insert into suppliers (user_id, company_id, created_at)
       select u.id, c.id, now()
       from (select id, row_number() over (order by id) n from users where email like 'supplier-%') u
       join (select id, row_number() over (order by id) n from companies) c using (n)
       order by u.n`,
    )
    // Round-robin over suppliers; due dates spread evenly over today ± 365 days, independently of the
    // supplier (7919 is prime to 731 and to 100).
    await client.query(
      `insert into payments (supplier_id, creation_date, due_date, value, created_at)
       select s.ids[1 + g % ${SUPPLIERS}], least(d.due, $1::date) - (g % 90)::int, d.due,
              (100 + (g * 7919) % 999900) / 100.0, now()
       from generate_series(1, $2::bigint) g
       cross join (select array_agg(id order by id) ids from suppliers) s
       cross join lateral (select $1::date + ((g * 7919) % 731 - 365)::int as due) d`,
      [today, payments],
    )
    // 30 % of the payments, picked by a hash of their id (so every supplier and date gets some),
    // anticipated 1 to 20 days earlier at 3 % a month; states in thirds.
    await client.query(
      `with chosen as (
         select id, due_date, value, 1 + (id % 20)::int as days
         from payments order by hashint8(id) limit $1
       ), numbered as (select c.*, row_number() over (order by c.id) r from chosen c)
       insert into anticipations (payment_id, creation_date, new_due_date, new_value, status, update_date, created_at)
       select id, due_date - days - 5, due_date - days, round(value * (1 - 0.001 * days), 2),
              (array['PC', 'A', 'D'])[1 + r % 3], now(), now()
       from numbered order by id`,
      [anticipations],
    )
    await client.query(
      `insert into anticipation_logs (anticipation_id, user_id, action, created_at)
       select a.id, s.user_id, 'R', a.created_at
       from anticipations a join payments p on p.id = a.payment_id join suppliers s on s.id = p.supplier_id
       order by a.id`,
    )
    await client.query(
      `insert into anticipation_logs (anticipation_id, user_id, action, created_at)
       select a.id, (select id from users where email = $1), a.status, a.update_date
       from anticipations a where a.status <> 'PC' order by a.id`,
      [OPERATOR_EMAIL],
    )
    // What the triggers keep when rows are written one by one (skipped above for a superuser): the
    // payments' copy of their anticipation's status and terms, and the count tables with their totals.
    await client.query(
      `update payments p
       set anticipation = a.status, anticipation_new_value = a.new_value, anticipation_new_due_date = a.new_due_date
       from anticipations a
       where a.payment_id = p.id
         and (p.anticipation, p.anticipation_new_value, p.anticipation_new_due_date)
           is distinct from (a.status, a.new_value, a.new_due_date)`,
    )
    await client.query('select rebuild_payment_counts()')
  })
  await client.query(
    'vacuum (analyze) users, companies, suppliers, payments, anticipations, anticipation_logs, payment_counts, supplier_payment_counts',
  )
  const counts = await client.query<{ payments: number; anticipations: number; logs: number }>(
    `select (select count(*) from payments) payments, (select count(*) from anticipations) anticipations,
            (select count(*) from anticipation_logs) logs`,
  )
  const row = counts.rows[0]
  if (!row) throw new Error('Could not count the generated rows.')
  return { today, ...row, seconds: (performance.now() - started) / 1000 }
}

/** Payments that can still be anticipated today (status A), in random order, with their supplier. */
export async function availablePayments(
  client: pg.Client,
  today: string,
  limit: number,
): Promise<{ id: number; supplier_id: number }[]> {
  const { rows } = await client.query<{ id: number; supplier_id: number }>(
    `select p.id, p.supplier_id from payments p
     where p.due_date > $1 and not exists (select from anticipations a where a.payment_id = p.id)
     order by random() limit $2`,
    [today, limit],
  )
  return rows
}

export async function supplierIds(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ email: string; id: number }>(
    'select u.email, s.id from suppliers s join users u on u.id = s.user_id order by s.id',
  )
  return new Map(rows.map((row) => [row.email, row.id]))
}
