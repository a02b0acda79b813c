import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { recordBusinessTimeZone } from './business-days.ts'
import type { Db } from './database.ts'

/*
 * The roll-ups by business day of migration 0025 (payouts by purpose, provider, status and failure
 * reason; complaints by status with their amounts asked and refunded; the hours to decision by month)
 * must equal, after every kind of change, what is recomputed here in plain TypeScript from the
 * complaints and payouts themselves, in the business time zone the database holds.
 */

type Complaint = { id: number; status: string; amount: string; created_at: Date; decided_at: Date | null }
type Payout = {
  purpose: string
  subject_id: number
  provider: string
  status: string
  failure_reason: string | null
  amount: string
  created_at: Date
}
type Figures = Map<string, bigint[]>

const cents = (amount: string) => {
  const [whole = '0', fraction = ''] = amount.split('.')
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2))
}
const dayIn = (instant: Date, zone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant)
const PAID = new Set(['funded', 'completed'])

function add(figures: Figures, key: string, values: bigint[]): void {
  const sums = figures.get(key) ?? values.map(() => 0n)
  figures.set(
    key,
    sums.map((sum, i) => sum + (values[i] ?? 0n)),
  )
}

/** The roll-ups recomputed from the rows, by day and by month ('YYYY-MM-01'), zero rows left out. */
async function recomputed(db: Db, zone: string) {
  const complaints = (await sql<Complaint>`select * from complaints`.execute(db)).rows
  const payouts = (await sql<Payout>`select * from payouts`.execute(db)).rows
  const periods = {
    day: (instant: Date) => dayIn(instant, zone),
    month: (instant: Date) => `${dayIn(instant, zone).slice(0, 7)}-01`,
  }
  const result = {
    payouts: { day: new Map(), month: new Map() },
    complaints: { day: new Map(), month: new Map() },
  } as Record<'payouts' | 'complaints', Record<'day' | 'month', Figures>>
  for (const [period, of] of Object.entries(periods) as ['day' | 'month', (instant: Date) => string][]) {
    for (const p of payouts) {
      const reason = p.status === 'failed' ? (p.failure_reason ?? '') : ''
      add(result.payouts[period], [of(p.created_at), p.purpose, p.provider, p.status, reason].join('|'), [
        1n,
        cents(p.amount),
      ])
    }
    for (const c of complaints) {
      const refunded = payouts
        .filter((p) => p.purpose === 'complaint_refund' && p.subject_id === c.id && PAID.has(p.status))
        .reduce((sum, p) => sum + cents(p.amount), 0n)
      add(result.complaints[period], [of(c.created_at), c.status].join('|'), [1n, cents(c.amount), refunded])
    }
  }
  return { ...result, decisions: decisionMonths(complaints, zone) }
}

/** Median and 90th percentile of hours to decision by business month, as percentile_cont computes them. */
function decisionMonths(complaints: Complaint[], zone: string): Map<string, string[]> {
  const hours = new Map<string, number[]>()
  for (const c of complaints) {
    if (!c.decided_at) continue
    const month = `${dayIn(c.created_at, zone).slice(0, 7)}-01`
    hours.set(month, [
      ...(hours.get(month) ?? []),
      (c.decided_at.getTime() - c.created_at.getTime()) / 3_600_000,
    ])
  }
  const percentile = (sorted: number[], p: number) => {
    const position = p * (sorted.length - 1)
    const below = Math.floor(position)
    const lower = sorted[below] ?? 0
    return lower + (position - below) * ((sorted[Math.min(below + 1, sorted.length - 1)] ?? lower) - lower)
  }
  return new Map(
    [...hours].map(([month, list]) => {
      const sorted = list.sort((a, b) => a - b)
      return [
        month,
        [String(sorted.length), percentile(sorted, 0.5).toFixed(6), percentile(sorted, 0.9).toFixed(6)],
      ]
    }),
  )
}

/** Counts as they are, amounts in cents. */
const asText = (value: string) =>
  value.startsWith('amount') ? `(${value} * 100)::bigint::text as ${value}` : `${value}::text as ${value}`

async function kept(db: Db, table: string, keys: string[], values: string[]): Promise<Figures> {
  const period = table.endsWith('_days') ? 'day' : 'month'
  const { rows } = await sql<Record<string, string>>`
    select ${sql.raw([`${period}::text as period`, ...keys, ...values.map(asText)].join(', '))}
    from ${sql.table(table)}`.execute(db)
  const figures: Figures = new Map()
  for (const row of rows) {
    const sums = values.map((v) => BigInt(row[v] ?? '0'))
    if (sums.some((sum) => sum !== 0n)) figures.set([row.period, ...keys.map((k) => row[k])].join('|'), sums)
  }
  return figures
}

const withoutZeros = (figures: Figures) =>
  new Map([...figures].filter(([, sums]) => sums.some((sum) => sum !== 0n)))

async function assertRollupsExact(db: Db, zone: string): Promise<void> {
  const expected = await recomputed(db, zone)
  for (const period of ['day', 'month'] as const) {
    const table = period === 'day' ? 'days' : 'months'
    const payouts = await kept(
      db,
      `payout_stats_${table}`,
      ['purpose', 'provider', 'status', 'failure_reason'],
      ['payouts', 'amount'],
    )
    assert.deepEqual(payouts, withoutZeros(expected.payouts[period]), `payouts by ${period}`)
    const complaints = await kept(
      db,
      `complaint_stats_${table}`,
      ['status'],
      ['complaints', 'amount_asked', 'amount_refunded'],
    )
    assert.deepEqual(complaints, withoutZeros(expected.complaints[period]), `complaints by ${period}`)
  }
  const { rows } = await sql<{ month: string; decided: number; median: number; p90: number }>`
    select month::text, decided, hours[1] as median, hours[2] as p90 from complaint_decision_months`.execute(
    db,
  )
  const decisions = new Map(
    rows.map((row) => [row.month, [String(row.decided), row.median.toFixed(6), row.p90.toFixed(6)]]),
  )
  assert.deepEqual(decisions, expected.decisions, 'hours to decision by month')
}

describe('complaints and payouts kept by business day', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: Db
  let zone = 'America/Sao_Paulo'
  let complainer = 0
  let photo = ''

  before(async () => {
    database = await createTestDatabase()
    db = database.db
    assert.equal(await recordBusinessTimeZone(db, zone), true)
    const { rows } = await sql<{ id: number }>`
      insert into users (email, password_hash, first_name, last_name, roles, created_at, updated_at)
      values ('c@rollups.test', 'x', 'C', 'Omplainer', '{}', now(), now()) returning id`.execute(db)
    complainer = rows[0]?.id ?? 0
    photo = randomUUID()
    await sql`
      insert into images (id, original_key, content_type, width, height, created_at, updated_at)
      values (${photo}, 'rollups/photo.jpg', 'image/jpeg', 10, 10, now(), now())`.execute(db)
  })
  after(() => database.close())

  /** Complaint i of a statement: filed every 7 hours and 13 minutes from `start`, decided or not. */
  const complaints = (start: string, count: number) => sql`
    insert into complaints (title, description, amount, currency, photo_image_id, status, complainer_id,
      decided_at, created_at)
    select 'Broken', 'Broken.', 10 + i * 1.37, 'EUR', ${photo}, s.status, ${complainer},
      case when s.status = 'pending' then null else ${start}::timestamptz + i * interval '7 hours 13 minutes' + (1 + i % 97) * interval '1 hour 1 minute' end,
      ${start}::timestamptz + i * interval '7 hours 13 minutes'
    from generate_series(0, ${count - 1}) i
    cross join lateral (select (array['pending', 'approved', 'rejected'])[1 + i % 3] as status) s`
  /** The refund of each complaint without one, and an early payment per complaint, in several states. */
  const payouts = () => sql`
    insert into payouts (purpose, subject_id, amount, currency, provider, idempotency_key, status, failure_reason,
      created_at, updated_at)
    select purpose, c.id, c.amount, 'EUR', case when c.id % 2 = 0 then 'manual' else 'wise' end, gen_random_uuid(),
      (array['prepared', 'approved', 'funded', 'completed', 'failed'])[1 + (c.id + k) % 5],
      case when (c.id + k) % 5 = 4 then (array['Account closed', 'Invalid IBAN'])[1 + c.id % 2] end,
      c.created_at + k * interval '3 hours', c.created_at
    from complaints c cross join (values ('complaint_refund', 0), ('early_payment', 1)) as p(purpose, k)
    where not exists (select from payouts x where x.purpose = p.purpose and x.subject_id = c.id)`

  it('complaints and payouts inserted one by one and many per statement count on their business day', async () => {
    // 03:00 UTC on the 1st is midnight in São Paulo: the first belongs to January, the second to February.
    await complaints('2026-02-01T02:59:59Z', 1).execute(db)
    await complaints('2026-02-01T03:00:00Z', 1).execute(db)
    await complaints('2025-12-20T10:00:00Z', 400).execute(db)
    await payouts().execute(db)
    await assertRollupsExact(db, zone)
  })

  it('decisions, payouts paid or failing, and new amounts move the figures', async () => {
    await sql`update complaints set status = 'approved', decided_at = created_at + interval '5 hours 30 minutes'
      where id in (select id from complaints where status = 'pending' order by id limit 40)`.execute(db)
    await sql`update payouts set status = 'completed' where status = 'funded'`.execute(db)
    await sql`update payouts set status = 'failed', failure_reason = 'Recipient unknown'
      where id in (select id from payouts where status = 'approved' order by id limit 15)`.execute(db)
    await sql`update complaints set amount = amount + 1 where id % 7 = 0`.execute(db)
    await sql`update payouts set amount = amount + 2 where id % 5 = 0`.execute(db)
    await assertRollupsExact(db, zone)
  })

  it('deleted complaints and payouts leave the figures; a refund without its complaint counts nowhere', async () => {
    await sql`delete from complaints where id in (select subject_id from payouts
      where purpose = 'complaint_refund' and status in ('funded', 'completed') order by id limit 10)`.execute(
      db,
    )
    await sql`delete from complaints where id % 11 = 0`.execute(db)
    await sql`delete from payouts where id % 13 = 0`.execute(db)
    await sql`update payouts set status = 'funded' where purpose = 'complaint_refund' and status = 'prepared'`.execute(
      db,
    )
    await assertRollupsExact(db, zone)
  })

  it('new filing, decision and creation times move the figures across days and months', async () => {
    await sql`update complaints set created_at = created_at + interval '9 days 5 hours' where id % 4 = 1`.execute(
      db,
    )
    await sql`update complaints set decided_at = decided_at + interval '30 hours' where id % 6 = 2 and decided_at is not null`.execute(
      db,
    )
    await sql`update payouts set created_at = created_at - interval '20 days 7 hours' where id % 3 = 0`.execute(
      db,
    )
    await assertRollupsExact(db, zone)
  })

  it('a new business time zone recounts everything in it; the same zone again changes nothing', async () => {
    zone = 'Asia/Tokyo'
    assert.equal(await recordBusinessTimeZone(db, zone), true)
    await assertRollupsExact(db, zone)
    assert.equal(await recordBusinessTimeZone(db, zone), false)
    await complaints('2026-03-31T14:59:00Z', 3).execute(db)
    await payouts().execute(db)
    await assertRollupsExact(db, zone)
  })

  it('rebuilding from the rows changes nothing', async () => {
    await sql`select rebuild_business_day_stats()`.execute(db)
    await assertRollupsExact(db, zone)
  })
})
