import type pg from 'pg'
import { benchPasswordHash, bulkLoad } from './data.ts'

export const FINANCE_EMAIL = 'finance@bench.bureau.test'

export interface LedgerDataSet {
  movements: number
  charges: number
  refunds: number
  payouts: number
  seconds: number
}

/**
 * Fills a freshly migrated database straight in SQL with `movements` movements of money spread over
 * the two years before `today`: 60 % booking payments (charges, each with its booking, EUR), 10 %
 * refunds of some of them, 30 % payouts (complaint refunds in EUR and early payments in BRL, in
 * turns). An operator reads them. The ledger's day totals are counted from them. Then VACUUM ANALYZE.
 */
export async function generateLedgerData(
  client: pg.Client,
  movements: number,
  today: string,
): Promise<LedgerDataSet> {
  const started = performance.now()
  const charges = Math.round(movements * 0.6)
  const refunds = Math.round(movements * 0.1)
  const payouts = movements - charges - refunds
  const passwordHash = await benchPasswordHash()
  // One movement every `step` seconds over two years, newest at the end of yesterday.
  const span = 2 * 365 * 86_400
  await bulkLoad(client, async () => {
    await client.query(
      `insert into users (email, password_hash, first_name, last_name, roles, email_verified_at, created_at, updated_at)
       values ($1, $2, 'Finance', 'Operator', '{operator}', now(), now(), now()),
              ('ledger-guest@bench.bureau.test', $2, 'Guest', 'Paying', '{}', now(), now(), now())`,
      [FINANCE_EMAIL, passwordHash],
    )
    await client.query(
      `insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                             total_cost, status, created_at)
       select null, (select id from users where email = 'ledger-guest@bench.bureau.test'), 'Bench hotel', 'Double',
              d, d + 1, 40 + n % 500, 1, 40 + n % 500, 'confirmed', d::timestamptz
       from generate_series(1, $1::int) as n,
            lateral (select ($2::date - 730 + (n::bigint * 730 / $1)::int) as d) as day`,
      [charges, today],
    )
    await client.query(
      `insert into charges (booking_id, user_id, amount_cents, currency, status, idempotency_key,
                            checkout_session_id, payment_intent_id, expires_at, paid_at, created_at, updated_at)
       select b.id, b.user_id, (b.total_cost * 100)::bigint, 'EUR',
              case when b.id <= $2 then 'refunded' else 'paid' end, gen_random_uuid(),
              'cs_bench_' || b.id, 'pi_bench_' || b.id, at, at, at, at
       from bookings b,
            lateral (select $3::timestamptz - make_interval(secs => $4::double precision * ($1 - b.id) / $1) as at) as t`,
      [charges, refunds, `${today}T00:00:00Z`, span],
    )
    await client.query(
      `insert into refunds (charge_id, booking_id, amount_cents, currency, reason, status, idempotency_key,
                            stripe_refund_id, created_at, updated_at)
       select c.id, c.booking_id, c.amount_cents, c.currency, 'cancelled', 'succeeded', gen_random_uuid(),
              're_bench_' || c.id, c.paid_at + interval '1 hour', c.paid_at + interval '1 hour'
       from charges c where c.id <= $1`,
      [refunds],
    )
    await client.query(
      `insert into payouts (purpose, subject_id, amount, currency, holder_name, iban, provider, idempotency_key,
                            status, reference, created_at, updated_at)
       select case when n % 2 = 0 then 'complaint_refund' else 'early_payment' end, n, 10 + n % 900,
              case when n % 2 = 0 then 'EUR' else 'BRL' end, 'Bench recipient', 'DE89370400440532013000',
              'manual', gen_random_uuid(), 'completed', 'bench-' || n, at, at
       from generate_series(1, $1::int) as n,
            lateral (select $2::timestamptz - make_interval(secs => $3::double precision * ($1 - n) / $1) as at) as t`,
      [payouts, `${today}T00:00:00Z`, span],
    )
    // The load skipped the triggers that keep the ledger's day totals: count them from the rows.
    await client.query('select rebuild_billing_day_totals(), rebuild_payout_day_totals()')
  })
  for (const table of [
    'bookings',
    'charges',
    'refunds',
    'payouts',
    'billing_day_totals',
    'payout_day_totals',
  ])
    await client.query(`vacuum analyze ${table}`)
  return { movements, charges, refunds, payouts, seconds: (performance.now() - started) / 1000 }
}
