import { randomUUID } from 'node:crypto'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../src/platform/database/database.ts'

/*
 * Rows for statistics tests, written straight into the tables (as another system's data would be):
 * any date, any state, in a few milliseconds. Every value comes from a seeded generator, so a failing
 * run can be replayed.
 */

/** A small deterministic generator (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

async function one<T>(db: Db, query: RawBuilder<T>): Promise<T> {
  const { rows } = await query.execute(db)
  const row = rows[0]
  if (row === undefined) throw new Error('no row returned')
  return row
}

export async function insertSupplier(db: Db, userId: number, n: number): Promise<number> {
  const company = await one(
    db,
    sql<{ id: number }>`
      insert into companies (legal_name, registration_number, email, created_at, updated_at)
      values (${`Stats Supplier ${n}`}, ${`4234567800${n}`}, ${`supplier${n}@stats.test`}, now(), now())
      returning id`,
  )
  const supplier = await one(
    db,
    sql<{ id: number }>`
      insert into suppliers (user_id, company_id, created_at) values (${userId}, ${company.id}, now()) returning id`,
  )
  return supplier.id
}

export async function insertPayment(
  db: Db,
  supplierId: number,
  dueDate: string,
  value: string,
): Promise<number> {
  const row = await one(
    db,
    sql<{ id: number }>`
      insert into payments (supplier_id, creation_date, due_date, value, created_at)
      values (${supplierId}, '2025-01-01', ${dueDate}, ${value}, now()) returning id`,
  )
  return row.id
}

export async function insertAnticipation(
  db: Db,
  paymentId: number,
  terms: { newDueDate: string; newValue: string; status: 'PC' | 'A' | 'D' },
): Promise<void> {
  await sql`
    insert into anticipations (payment_id, creation_date, new_due_date, new_value, status, update_date, created_at)
    values (${paymentId}, '2025-01-01', ${terms.newDueDate}, ${terms.newValue}, ${terms.status}, now(), now())`.execute(
    db,
  )
}

let photo: string | undefined

export async function insertComplaint(
  db: Db,
  complaint: {
    complainerId: number
    amount: string
    createdAt: string
    status: 'pending' | 'approved' | 'rejected'
    decidedAt?: string
    deciderId?: number
  },
): Promise<number> {
  if (photo === undefined) {
    photo = randomUUID()
    await sql`
      insert into images (id, original_key, content_type, width, height, created_at, updated_at)
      values (${photo}, 'stats/photo.jpg', 'image/jpeg', 10, 10, now(), now())`.execute(db)
  }
  const decided = complaint.status !== 'pending'
  const row = await one(
    db,
    sql<{ id: number }>`
      insert into complaints (title, description, amount, currency, photo_image_id, status, complainer_id,
        decided_by, decided_at, created_at)
      values ('Broken', 'Broken on arrival.', ${complaint.amount}, 'EUR', ${photo}, ${complaint.status},
        ${complaint.complainerId}, ${decided ? (complaint.deciderId ?? null) : null},
        ${decided ? (complaint.decidedAt ?? null) : null}, ${complaint.createdAt})
      returning id`,
  )
  return row.id
}

export async function insertPayout(
  db: Db,
  payout: {
    purpose: 'complaint_refund' | 'early_payment'
    subjectId: number
    amount: string
    provider: 'manual' | 'wise'
    status: string
    createdAt: string
    failureReason?: string
  },
): Promise<void> {
  await sql`
    insert into payouts (purpose, subject_id, amount, currency, provider, idempotency_key, status, failure_reason,
      created_at, updated_at)
    values (${payout.purpose}, ${payout.subjectId}, ${payout.amount}, 'EUR', ${payout.provider}, ${randomUUID()},
      ${payout.status}, ${payout.failureReason ?? null}, ${payout.createdAt}, ${payout.createdAt})`.execute(
    db,
  )
}

export async function insertHotel(
  db: Db,
  name: string,
  quantities: number[],
): Promise<{ id: number; rooms: number[] }> {
  const hotel = await one(
    db,
    sql<{ id: number }>`
      insert into hotels (name, location, address, created_at, updated_at)
      values (${name}, 'Rio de Janeiro', 'Av. Atlântica 1', now(), now()) returning id`,
  )
  const rooms: number[] = []
  for (const [i, quantity] of quantities.entries()) {
    const room = await one(
      db,
      sql<{ id: number }>`
        insert into rooms (hotel_id, name, description, price, quantity, created_at, updated_at)
        values (${hotel.id}, ${`Room ${i + 1}`}, 'A room.', ${`${80 + i * 15}.00`}, ${quantity}, now(), now())
        returning id`,
    )
    rooms.push(room.id)
  }
  return { id: hotel.id, rooms }
}

export async function insertBooking(
  db: Db,
  booking: { roomId: number; userId: number; from: string; to: string; price: string; cancelled?: boolean },
): Promise<void> {
  const nights = Math.round((Date.parse(booking.to) - Date.parse(booking.from)) / 86_400_000)
  await sql`
    insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights, total_cost,
      status, created_at, cancelled_at)
    values (${booking.roomId}, ${booking.userId}, 'Hotel', 'Room', ${booking.from}, ${booking.to}, ${booking.price},
      ${nights}, ${booking.price}::numeric * ${nights}, ${booking.cancelled ? 'cancelled' : 'confirmed'}, now(),
      ${booking.cancelled ? new Date('2026-01-01T00:00:00Z') : null})`.execute(db)
}
