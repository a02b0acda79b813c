import type { EmailMessage } from '../../platform/email/mailer.ts'
import { renderEmail } from '../../platform/email/templates.ts'
import { formatMoney } from '../../platform/validation/money.ts'
import type { BookingRow } from './bookings.repository.ts'

export type BookingEvent = 'confirmed' | 'cancelled' | 'reminder'

const SUBJECTS: Record<BookingEvent, string> = {
  confirmed: 'Booking confirmed',
  cancelled: 'Booking cancelled',
  reminder: 'Your stay starts tomorrow',
}

const SUMMARIES: Record<BookingEvent, string> = {
  confirmed: 'Your booking is confirmed. We look forward to your stay.',
  cancelled: 'Your booking was cancelled; its nights are free again and nothing is owed.',
  reminder: 'A reminder: your stay starts tomorrow.',
}

const REFUNDED =
  'Your booking was cancelled; its nights are free again and your payment is being refunded to your card.'

/**
 * The email a guest gets when a booking is confirmed, cancelled (`refunded`: its payment is being
 * refunded), or the day before the stay.
 */
export function bookingEmail(
  to: { email: string; first_name: string },
  event: BookingEvent,
  booking: BookingRow,
  refunded = false,
): EmailMessage {
  return renderEmail(to.email, {
    subject: SUBJECTS[event],
    greeting: `Hello ${to.first_name},`,
    paragraphs: [refunded ? REFUNDED : SUMMARIES[event]],
    facts: [
      ['Booking', `#${booking.id}`],
      ['Hotel', booking.hotel_name],
      ['Room', booking.room_name],
      ['Arrival', booking.date_from],
      ['Departure', booking.date_to],
      ['Nights', String(booking.nights)],
      ['Price per night', formatMoney(booking.price)],
      ['Total', formatMoney(booking.total_cost)],
    ],
    footnote: 'You receive this because you booked this stay in Bureau.',
  })
}
