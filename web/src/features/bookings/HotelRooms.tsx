import { useState } from 'react'
import { idempotencyKey } from '../../api/client'
import { navigate, setQuery, useLocation } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { Empty, ErrorNotice, QueryState } from '../../ui/states'
import { VariantImage } from '../../ui/VariantImage'
import { stayFrom } from './HotelSearch'
import { useBook, useHotel, useRooms, type Room, type Stay } from './queries'
import './bookings.css'
import { useFields } from '../../ui/useFields'

/** A hotel and its rooms; with dates, the rooms left and the total for the stay, and booking. */
export function HotelRooms({ id }: { id: number }) {
  const { query } = useLocation()
  const stay = stayFrom(query)
  const hotel = useHotel(id)
  const rooms = useRooms(id, stay)
  return (
    <Page title={hotel.data?.name ?? 'Hotel'}>
      <QueryState query={hotel}>
        {(found) => (
          <div className="hotel-intro">
            {found.images[0] ? (
              <VariantImage
                className="hotel-hero"
                variants={found.images[0].variants}
                original={found.images[0].original}
                alt={`${found.name}, ${found.location}`}
              />
            ) : null}
            <p>
              {found.location}
              {found.address ? ` · ${found.address}` : ''}
            </p>
            {found.services.length ? <p className="muted">{found.services.join(' · ')}</p> : null}
          </div>
        )}
      </QueryState>
      <StayForm key={query.toString()} initial={stay} error={rooms.error} />
      {rooms.error ? null : (
        <QueryState query={rooms}>
          {(list) =>
            list.length === 0 ? (
              <Empty>This hotel has no rooms yet.</Empty>
            ) : (
              <ul className="room-list" aria-label="Rooms">
                {list.map((room) => (
                  <RoomCard
                    key={`${room.id} ${stay.date_from} ${stay.date_to}`}
                    room={room}
                    hotelName={hotel.data?.name ?? ''}
                    stay={stay}
                  />
                ))}
              </ul>
            )
          }
        </QueryState>
      )}
    </Page>
  )
}

function StayForm({ initial, error }: { initial: Stay; error: unknown }) {
  const [form, set] = useFields(initial)
  return (
    <form
      className="toolbar"
      aria-label="Your stay"
      onSubmit={onSubmit(() => setQuery({ ...form }))}
      noValidate
    >
      <TextField
        label="Arrival"
        name="date_from"
        type="date"
        value={form.date_from}
        onChange={set('date_from')}
        error={error}
      />
      <TextField
        label="Departure"
        name="date_to"
        type="date"
        value={form.date_to}
        onChange={set('date_to')}
        error={error}
      />
      <button type="submit">Show rooms left</button>
      <FormErrors error={error} fields={['date_from', 'date_to']} />
    </form>
  )
}

function RoomCard({ room, hotelName, stay }: { room: Room; hotelName: string; stay: Stay }) {
  const image = room.images[0]
  return (
    <li className={image ? 'room-card' : 'room-card no-picture'}>
      {image ? (
        <VariantImage
          className="room-picture"
          variants={image.variants}
          original={image.original}
          alt={`${room.name} at ${hotelName}`}
          thumbnail
        />
      ) : null}
      <div>
        <h2>{room.name}</h2>
        {room.description ? <p>{room.description}</p> : null}
        {room.services.length ? <p className="small muted">{room.services.join(' · ')}</p> : null}
        <dl className="room-facts">
          <dt>Price per night</dt>
          <dd>
            <Money amount={room.price} />
          </dd>
          {room.total_cost !== undefined && room.rooms_left !== undefined ? (
            <>
              <dt>Rooms left</dt>
              <dd className="rooms-left">{room.rooms_left}</dd>
              <dt>Total for the stay</dt>
              <dd>
                <Money amount={room.total_cost} />
              </dd>
            </>
          ) : null}
        </dl>
        <BookRoom room={room} hotelName={hotelName} stay={stay} />
      </div>
    </li>
  )
}

/** Books the room for the stay after a confirmation showing the total; then pays, or shows the booking. */
function BookRoom({ room, hotelName, stay }: { room: Room; hotelName: string; stay: Stay }) {
  // One key per room and stay: a retried click is the same booking, not a second one.
  const [key, setKey] = useState(idempotencyKey)
  const book = useBook()
  if (room.total_cost === undefined || room.rooms_left === undefined)
    return <p className="muted small">Choose your dates to see the rooms left and the total.</p>
  const confirm = () =>
    book.mutate(
      { key, room_id: room.id, ...stay },
      {
        onSuccess: (booking) => {
          setKey(idempotencyKey())
          if (booking.payment?.checkout_url) window.location.assign(booking.payment.checkout_url)
          else navigate(`/bookings/${booking.id}`)
        },
      },
    )
  return (
    <>
      <ConfirmButton
        title={`Book ${room.name}?`}
        message={
          <p>
            {room.name} at {hotelName}, arriving <DateText date={stay.date_from} /> and leaving{' '}
            <DateText date={stay.date_to} />. Total for the stay: <Money amount={room.total_cost} />.
          </p>
        }
        confirmLabel="Book"
        disabled={book.isPending || room.rooms_left === 0}
        onConfirm={confirm}
      >
        Book {room.name}
      </ConfirmButton>
      <ErrorNotice error={book.error} />
    </>
  )
}
