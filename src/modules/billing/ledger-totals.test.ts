import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { pino } from 'pino'
import { createModules } from '../../app.ts'
import type { JobContext } from '../../platform/jobs/jobs.ts'
import { FOLDED_SLOT } from '../../platform/ledger/day-totals-fold.ts'
import { payoutLedgerSource } from '../../platform/payouts/index.ts'
import type { BillingTables } from './billing.repository.ts'
import { createLedgerRepository, type LedgerFilter, type LedgerRepository } from './ledger.repository.ts'

let t: TestApp
let repository: LedgerRepository
let userId: number

before(async () => {
  t = await buildTestApp({ now: '2026-03-10T12:00:00Z' })
  repository = createLedgerRepository(t.platform.db.$extendTables<BillingTables>(), payoutLedgerSource)
  userId = (await createUser(t)).id
})
after(async () => {
  await t.close()
})

/** Charges paid at `times` (one INSERT for all), each with its booking; returns their ids. */
async function paidCharges(times: string[], currency = 'EUR'): Promise<number[]> {
  const ids: number[] = []
  for (const at of times) {
    const { rows } = await sql<{ id: number }>`
      insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                            total_cost, status, created_at)
      values (null, ${userId}, 'Hotel', 'Double', '2026-04-10', '2026-04-11', 100, 1, 100, 'confirmed', ${at})
      returning id`.execute(t.platform.db)
    ids.push(Number(rows[0]?.id))
  }
  const { rows } = await sql<{ id: number }>`
    insert into charges (booking_id, user_id, amount_cents, currency, status, idempotency_key,
                         checkout_session_id, payment_intent_id, expires_at, paid_at, created_at, updated_at)
    select b.id, ${userId}, 1000 + b.id, ${currency}, 'paid', gen_random_uuid(), 'cs_' || gen_random_uuid(),
      'pi_' || b.id, b.created_at, b.created_at, b.created_at, b.created_at
    from bookings b where b.id = any(${ids})
    returning id`.execute(t.platform.db)
  return rows.map((row) => row.id)
}

/** Payouts created at `times` in one INSERT, in `status`. */
async function payouts(times: string[], status: string): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    insert into payouts (purpose, subject_id, amount, currency, holder_name, iban, provider, idempotency_key,
                         status, reference, created_at, updated_at)
    select case when n % 2 = 0 then 'complaint_refund' else 'early_payment' end, 100000 + n + (random() * 1e6)::int,
      12.34 * n, case when n % 2 = 0 then 'EUR' else 'BRL' end, 'Ana Souza', 'DE89370400440532013000', 'manual',
      gen_random_uuid(), ${status}, 'ref-' || n, at::timestamptz, at::timestamptz
    from unnest(${times}::text[]) with ordinality as u(at, n)
    returning id`.execute(t.platform.db)
  return rows.map((row) => row.id)
}

/** The page count and the summary agree with counts and sums read from the movements themselves. */
async function assertTotalsMatch(): Promise<void> {
  const filters: Omit<LedgerFilter, 'timeZone'>[] = [
    {},
    { from: '2026-03-02' },
    { to: '2026-03-03' },
    { from: '2026-03-02', to: '2026-03-02' },
    { from: '2026-03-01', to: '2026-03-04', kind: 'booking_payment' },
    { from: '2026-03-02', to: '2026-03-05', currency: 'EUR' },
    { kind: 'early_payment', currency: 'BRL' },
    // Whole months read from month totals, and the days around them from day totals.
    { from: '2026-02-01', to: '2026-03-31' },
    { from: '2026-01-15', to: '2026-04-10' },
    { from: '2026-02-01' },
    { to: '2026-02-28' },
    { from: '2025-12-31', to: '2026-02-01', kind: 'early_payment' },
    { from: '2026-01-01', to: '2026-04-30', currency: 'BRL' },
  ]
  for (const timeZone of ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Kiritimati']) {
    for (const part of filters) {
      const filter: LedgerFilter = { ...part, timeZone }
      const label = JSON.stringify(filter)
      const counted = await repository.recount(filter, false)
      const page = await repository.page(filter, { limit: 1, offset: 0 })
      assert.equal(
        page.count,
        counted.reduce((sum, row) => sum + row.count, 0),
        `count of ${label}`,
      )
      assert.deepEqual(
        await repository.totals(filter),
        await repository.recount(filter, true),
        `sums of ${label}`,
      )
    }
  }
}

describe('the ledger day totals', () => {
  it('equal a recount of the movements after inserts, status changes and deletions', async () => {
    const times = [
      '2026-03-01T00:30:00Z',
      '2026-03-01T23:30:00Z',
      '2026-03-02T02:59:00Z',
      '2026-03-02T03:00:00Z',
      '2026-03-02T18:30:00Z',
      '2026-03-03T12:00:00Z',
      '2026-03-04T21:00:00Z',
      '2026-03-05T09:15:00Z',
      // Other months, their first and last instants among them.
      '2025-12-31T23:59:59Z',
      '2026-01-01T00:00:00Z',
      '2026-01-20T10:00:00Z',
      '2026-02-01T01:00:00Z',
      '2026-02-28T23:00:00Z',
      '2026-04-01T02:00:00Z',
      '2026-04-30T23:59:00Z',
    ]
    const charges = await paidCharges(times)
    await paidCharges(times.slice(0, 3), 'BRL')
    const funded = await payouts(times, 'funded')
    await payouts(times.slice(2), 'pending')
    // Refunds, pending, of four charges (one INSERT).
    await sql`
      insert into refunds (charge_id, booking_id, amount_cents, currency, reason, status, idempotency_key, created_at,
                           updated_at)
      select c.id, c.booking_id, c.amount_cents, c.currency, 'cancelled', 'pending', gen_random_uuid(),
        c.paid_at + interval '3 hours', c.paid_at + interval '3 hours'
      from charges c where c.id = any(${charges.slice(0, 4)})`.execute(t.platform.db)
    await assertTotalsMatch()

    // A payout funded then completed, refunds succeeding, their charges refunded.
    await sql`update payouts set status = 'completed' where id = any(${funded.slice(0, 3)})`.execute(
      t.platform.db,
    )
    await sql`update payouts set status = 'failed', failure_reason = 'closed' where id = ${funded[3]}`.execute(
      t.platform.db,
    )
    await sql`update refunds set status = 'succeeded' where charge_id = any(${charges.slice(0, 3)})`.execute(
      t.platform.db,
    )
    await sql`update charges set status = 'refunded' where id = any(${charges.slice(0, 3)})`.execute(
      t.platform.db,
    )
    await assertTotalsMatch()

    // An amount and a time corrected, and rows deleted.
    await sql`update charges set amount_cents = amount_cents + 5, paid_at = paid_at + interval '1 day'
      where id = ${charges[5]}`.execute(t.platform.db)
    await sql`delete from refunds where charge_id = ${charges[3]}`.execute(t.platform.db)
    await sql`delete from payouts where id = any(${funded.slice(4)})`.execute(t.platform.db)
    await assertTotalsMatch()
  })
})

const TOTALS_TABLES = ['billing_day_totals', 'payout_day_totals'] as const

/**
 * Spreads every group of day totals over more slots, as writers on several connections do: +3
 * movements and +12.34 in slot 6, the same taken back in slot 7, so the sums stay what they were.
 */
async function spreadOverSlots(): Promise<void> {
  for (const table of TOTALS_TABLES) {
    await sql`
      insert into ${sql.table(table)} as t (day, kind, currency, status, slot, movements, amount_cents)
      select g.day, g.kind, g.currency, g.status, s.slot, s.sign * 3, s.sign * 1234
      from (select distinct day, kind, currency, status from ${sql.table(table)}) g,
        (values (6, 1), (7, -1)) as s(slot, sign)
      on conflict (day, kind, currency, status, slot) do update
      set movements = t.movements + excluded.movements, amount_cents = t.amount_cents + excluded.amount_cents`.execute(
      t.platform.db,
    )
  }
}

/** Rows of day totals, and how many (day, kind, currency, status) groups they hold, per table. */
async function totalsShape(): Promise<{ rows: number; groups: number; unfolded: number }[]> {
  const shapes = []
  for (const table of TOTALS_TABLES) {
    const { rows } = await sql<{ rows: number; groups: number; unfolded: number }>`
      select count(*)::int as rows, count(distinct (day, kind, currency, status))::int as groups,
        count(*) filter (where slot <> ${FOLDED_SLOT})::int as unfolded
      from ${sql.table(table)}`.execute(t.platform.db)
    shapes.push(rows[0] ?? { rows: 0, groups: 0, unfolded: 0 })
  }
  return shapes
}

/** Each table's month totals are the sums of its folded day rows by month, and nothing else. */
async function assertMonthsAreTheFoldedDays(): Promise<void> {
  for (const table of TOTALS_TABLES) {
    const months = table === 'billing_day_totals' ? 'billing_month_totals' : 'payout_month_totals'
    const { rows: kept } = await sql<Record<string, unknown>>`
      select to_char(month, 'YYYY-MM') as month, kind, currency, status, movements::int, amount_cents::text
      from ${sql.table(months)} order by 1, 2, 3, 4`.execute(t.platform.db)
    const { rows: folded } = await sql<Record<string, unknown>>`
      select to_char(day, 'YYYY-MM') as month, kind, currency, status, sum(movements)::int as movements,
        sum(amount_cents)::text as amount_cents
      from ${sql.table(table)} where slot = ${FOLDED_SLOT}
      group by 1, 2, 3, 4 having sum(movements) <> 0 or sum(amount_cents) <> 0
      order by 1, 2, 3, 4`.execute(t.platform.db)
    assert.ok(kept.length > 0, `${months} has rows`)
    assert.deepEqual(kept, folded, months)
  }
}

/** One run of each scheduled fold (billing's and the payouts'), as a worker runs it. */
async function fold(): Promise<void> {
  const modules = createModules(t.platform)
  const context: JobContext = {
    jobId: 'test',
    attempt: 1,
    final: false,
    logger: pino({ level: 'silent' }),
    untilDatabaseAnswers: (work) => work(),
  }
  const jobs = [...modules.billing.jobs, ...modules.payouts.jobs].filter((job) =>
    job.name.endsWith('fold-day-totals'),
  )
  assert.equal(jobs.length, 2)
  for (const job of jobs) assert.ok(job.cron, `${job.name} runs on a schedule`)
  await Promise.all(jobs.map((job) => job.handle({}, context)))
}

describe('folding the day totals', () => {
  it('keeps every count and sum equal to a recount, with folds and writes running at once', async () => {
    await paidCharges([
      '2026-03-06T10:00:00Z',
      '2026-03-06T11:00:00Z',
      '2026-03-07T23:59:00Z',
      '2026-01-31T12:00:00Z',
    ])
    await payouts(['2026-03-06T10:00:00Z', '2026-03-07T00:00:00Z', '2026-02-14T09:00:00Z'], 'completed')
    await spreadOverSlots()
    for (const shape of await totalsShape()) assert.ok(shape.rows > shape.groups)
    await assertTotalsMatch()

    // Two workers folding each table at once, while movements are written.
    await Promise.all([
      fold(),
      fold(),
      paidCharges(['2026-03-06T12:00:00Z', '2026-03-08T08:00:00Z']),
      payouts(['2026-03-06T12:00:00Z'], 'funded'),
      fold(),
    ])
    await assertTotalsMatch()

    await fold()
    for (const shape of await totalsShape()) {
      assert.deepEqual(shape, { rows: shape.groups, groups: shape.groups, unfolded: 0 })
    }
    await assertMonthsAreTheFoldedDays()
    await assertTotalsMatch()

    // Writes after the fold: in months already folded, read as month totals plus unfolded days.
    await paidCharges(['2026-01-31T13:00:00Z', '2026-02-01T00:00:00Z'])
    await sql`update payouts set status = 'failed', failure_reason = 'closed'
      where created_at = '2026-02-14T09:00:00Z'`.execute(t.platform.db)
    await assertTotalsMatch()
    await fold()
    await assertMonthsAreTheFoldedDays()
    await assertTotalsMatch()
  })

  it('counts every movement again into folded days and months when rebuilt', async () => {
    await paidCharges(['2026-01-05T10:00:00Z'])
    await sql`select rebuild_billing_day_totals(), rebuild_payout_day_totals()`.execute(t.platform.db)
    for (const shape of await totalsShape()) assert.equal(shape.unfolded, 0)
    await assertMonthsAreTheFoldedDays()
    await assertTotalsMatch()
  })

  it('leaves no row for a group whose movements all went', async () => {
    const [id] = await paidCharges(['2026-02-20T10:00:00Z'])
    await fold()
    await sql`delete from charges where id = ${id}`.execute(t.platform.db)
    await fold()
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from billing_day_totals where day = '2026-02-20'`.execute(t.platform.db)
    assert.equal(rows[0]?.n, 0)
    await assertTotalsMatch()
  })
})
