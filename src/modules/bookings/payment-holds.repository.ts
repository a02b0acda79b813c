import type { BookingRow, BookingsDb } from './bookings.repository.ts'

/*
 * The SQL of bookings waiting for their payment: each transition is one conditional update, so a
 * payment, a hold expiring and a cancellation racing for one booking move it once.
 */

/** The booking, its row locked for the rest of the transaction. */
export async function lockBooking(db: BookingsDb, id: number): Promise<BookingRow | undefined> {
  return db.selectFrom('bookings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** pending_payment or expired → confirmed (paid); undefined when it was in neither. */
export async function confirmPaid(db: BookingsDb, id: number): Promise<BookingRow | undefined> {
  return db
    .updateTable('bookings')
    .set({ status: 'confirmed' })
    .where('id', '=', id)
    .where('status', 'in', ['pending_payment', 'expired'])
    .returningAll()
    .executeTakeFirst()
}

/** pending_payment → expired: its rooms are free; false when it was no longer waiting. */
export async function releaseHold(db: BookingsDb, id: number): Promise<boolean> {
  const row = await db
    .updateTable('bookings')
    .set({ status: 'expired' })
    .where('id', '=', id)
    .where('status', '=', 'pending_payment')
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}
