import type pg from 'pg'
import { benchPasswordHash, bulkLoad } from './data.ts'

export const ADMIN_EMAIL = 'admin@bench.bureau.test'
const FAILURE_REASONS = [
  'The supplier’s company has no default bank account in BRL.',
  'Recipient account closed.',
  'IBAN rejected by the provider.',
  'Insufficient balance in the funding account.',
]

export interface ComplaintsDataSet {
  complaints: number
  payouts: number
  seconds: number
}

/**
 * Adds to a database that already holds the payments (data.ts) and the bookings (bookings-data.ts),
 * straight in SQL: an admin (also approver and operator); `complaints` complaints filed evenly over
 * the last 730 days by the guests, 20 % still pending, 50 % approved and 30 % rejected, each decided
 * 1 to 240 hours after it was filed; the refund payout of each (prepared while pending, cancelled when
 * rejected; once approved, 60 % completed, 20 % funded, 10 % approved and 10 % failed), manual or
 * Wise in turn; and the early payment of each approved anticipation, created five days before its new
 * due date, 95 % completed and 5 % failed. Failure reasons come from four. Then the roll-ups by
 * business day (`rebuild_business_day_stats()`), and VACUUM ANALYZE.
 */
export async function generateComplaintData(
  client: pg.Client,
  complaints: number,
  today: string,
): Promise<ComplaintsDataSet> {
  const started = performance.now()
  const passwordHash = await benchPasswordHash()
  await bulkLoad(client, async () => {
    await client.query(
      `insert into users (email, password_hash, first_name, last_name, roles, email_verified_at, created_at, updated_at)
       values ($1, $2, 'Bench', 'Admin', '{admin,approver,operator}', now(), now(), now())`,
      [ADMIN_EMAIL, passwordHash],
    )
    await client.query(
      `insert into images (id, original_key, content_type, width, height, status, created_at, updated_at)
       values ('00000000-0000-4000-8000-000000000001', 'bench/photo.jpg', 'image/jpeg', 800, 600, 'ready', now(), now())`,
    )
    await client.query(
      `insert into complaints (title, description, amount, currency, photo_image_id, status, complainer_id,
                               decided_by, decided_at, reason, created_at)
       select format('Complaint %s', g), 'Generated for the bench.', 1 + (g * 7919) % 99900 / 100.0, 'EUR',
              '00000000-0000-4000-8000-000000000001', s.status, u.ids[1 + g % array_length(u.ids, 1)],
              case when s.status <> 'pending' then a.id end,
              case when s.status <> 'pending' then c.at + make_interval(hours => 1 + (g % 240)::int) end,
              case when s.status = 'rejected' then 'Not covered.' end, c.at
       from generate_series(1, $1::int) g
       cross join (select array_agg(id order by id) ids from users where email like 'guest-%') u
       cross join (select id from users where email = $3) a
       cross join lateral (select ($2::date - 730)::timestamptz + (g::float8 / $1) * interval '730 days' as at) c
       cross join lateral (select case when g % 10 < 2 then 'pending' when g % 10 < 7 then 'approved'
                                       else 'rejected' end as status) s
       order by g`,
      [complaints, today, ADMIN_EMAIL],
    )
    await client.query(
      `insert into payouts (purpose, subject_id, amount, currency, provider, idempotency_key, status, failure_reason,
                            created_at, updated_at)
       select 'complaint_refund', c.id, c.amount, c.currency, case when c.id % 2 = 0 then 'manual' else 'wise' end,
              gen_random_uuid(), s.status, case when s.status = 'failed' then ($1::text[])[1 + c.id % 4] end,
              c.created_at, coalesce(c.decided_at, c.created_at)
       from complaints c
       cross join lateral (select case c.status when 'pending' then 'prepared' when 'rejected' then 'cancelled'
         else (array['completed', 'completed', 'completed', 'completed', 'completed', 'completed',
                     'funded', 'funded', 'approved', 'failed'])[1 + (c.id / 3) % 10] end as status) s
       order by c.id`,
      [FAILURE_REASONS],
    )
    await client.query(
      `insert into payouts (purpose, subject_id, amount, currency, provider, idempotency_key, status, failure_reason,
                            created_at, updated_at)
       select 'early_payment', a.id, a.new_value, 'BRL', 'manual', gen_random_uuid(),
              case when a.id % 20 = 0 then 'failed' else 'completed' end,
              case when a.id % 20 = 0 then ($1::text[])[1 + (a.id / 20) % 4] end,
              (a.new_due_date - 5)::timestamptz, (a.new_due_date - 5)::timestamptz
       from anticipations a where a.status = 'A'
       order by a.id`,
      [FAILURE_REASONS],
    )
    // The triggers were skipped: count the roll-ups by business day (migration 0025) from the rows.
    await client.query('select rebuild_business_day_stats()')
  })
  await client.query(
    'vacuum (analyze) users, images, complaints, payouts, payout_stats_days, payout_stats_months, complaint_stats_days, complaint_stats_months, complaint_decision_months',
  )
  const { rows } = await client.query<{ complaints: number; payouts: number }>(
    'select (select count(*) from complaints) complaints, (select count(*) from payouts) payouts',
  )
  const row = rows[0]
  if (!row) throw new Error('Could not count the generated rows.')
  return { ...row, seconds: (performance.now() - started) / 1000 }
}
