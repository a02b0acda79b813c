import { ConfirmButton } from '../../ui/ConfirmButton'
import { DateText, Money } from '../../ui/Money'
import { ErrorNotice } from '../../ui/states'
import { StatusBadge } from '../../ui/Tabs'
import { useCancelBooking, type Booking } from './queries'

const STATUS_LABELS: Record<string, string> = {
  pending_payment: 'Awaiting payment',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  expired: 'Expired, not paid in time',
}

const REFUND_LABELS: Record<string, string> = {
  pending: 'Refund on its way',
  succeeded: 'Refunded',
  failed: 'Refund failed',
}

export function BookingStatusBadge({ booking }: { booking: Booking }) {
  return <StatusBadge status={booking.status} label={STATUS_LABELS[booking.status] ?? booking.status} />
}

export function RefundText({ booking }: { booking: Booking }) {
  if (!booking.refund_status) return null
  return <span>{REFUND_LABELS[booking.refund_status] ?? `Refund: ${booking.refund_status}`}</span>
}

/** Cancels a booking after confirmation; the API decides whether it still may be (409 once the stay started). */
export function CancelBooking({ booking }: { booking: Booking }) {
  const cancel = useCancelBooking()
  if (booking.status !== 'confirmed' && booking.status !== 'pending_payment') return null
  return (
    <div className="cancel-booking">
      <ConfirmButton
        title="Cancel this booking?"
        message={
          <p>
            {booking.room_name} at {booking.hotel_name}, arriving <DateText date={booking.date_from} />. The
            nights are given up
            {booking.payment?.status === 'paid' ? ' and the payment is refunded to the card' : ''}. Total{' '}
            <Money amount={booking.total_cost} />.
          </p>
        }
        confirmLabel="Cancel booking"
        danger
        disabled={cancel.isPending}
        onConfirm={() => cancel.mutate(booking.id)}
      >
        Cancel booking
      </ConfirmButton>
      <ErrorNotice error={cancel.error} />
    </div>
  )
}
