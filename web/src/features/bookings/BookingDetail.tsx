import { Link } from '../../router'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { Empty, QueryState } from '../../ui/states'
import { BookingStatusBadge, CancelBooking, RefundText } from './BookingStatus'
import { useBooking, type Booking } from './queries'
import './bookings.css'

/** One booking: where the payment page sends the guest back, so it shows where the payment stands. */
export function BookingDetail({ id }: { id: number }) {
  const booking = useBooking(id)
  return (
    <Page title={`Booking ${id}`} actions={<Link to="/bookings">My bookings</Link>}>
      <QueryState query={booking}>
        {(found) => (found ? <BookingFacts booking={found} /> : <Empty>You have no booking {id}.</Empty>)}
      </QueryState>
    </Page>
  )
}

function BookingFacts({ booking }: { booking: Booking }) {
  const payment = booking.payment
  return (
    <>
      <dl className="details">
        <dt>Status</dt>
        <dd>
          <BookingStatusBadge booking={booking} />
        </dd>
        <dt>Hotel</dt>
        <dd>{booking.hotel_name}</dd>
        <dt>Room</dt>
        <dd>{booking.room_name}</dd>
        <dt>Arrival</dt>
        <dd>
          <DateText date={booking.date_from} />
        </dd>
        <dt>Departure</dt>
        <dd>
          <DateText date={booking.date_to} />
        </dd>
        <dt>Nights</dt>
        <dd>{booking.nights}</dd>
        <dt>Price per night</dt>
        <dd>
          <Money amount={booking.price} />
        </dd>
        <dt>Total</dt>
        <dd>
          <Money amount={booking.total_cost} />
        </dd>
        {payment ? (
          <>
            <dt>Payment</dt>
            <dd>{payment.status}</dd>
          </>
        ) : null}
        {booking.refund_status ? (
          <>
            <dt>Refund</dt>
            <dd>
              <RefundText booking={booking} />
            </dd>
          </>
        ) : null}
      </dl>
      <PaymentNotice booking={booking} />
      <CancelBooking booking={booking} />
    </>
  )
}

/** While the booking waits for its payment: until when its rooms are held, and the way to pay. */
function PaymentNotice({ booking }: { booking: Booking }) {
  const payment = booking.payment
  if (booking.status !== 'pending_payment' || !payment) return null
  return (
    <div className="notice" role="status">
      <p>
        The rooms are held until <DateText date={payment.expires_at} />. This page updates once the payment
        arrives.
      </p>
      {payment.checkout_url ? (
        <a className="button" href={payment.checkout_url}>
          Pay now
        </a>
      ) : null}
    </div>
  )
}
