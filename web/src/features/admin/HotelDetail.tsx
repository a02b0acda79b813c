import { Link } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { Empty, ErrorNotice, QueryState } from '../../ui/states'
import { HotelForm } from './HotelForm'
import {
  useCreateRoom,
  useDeleteHotel,
  useDeleteRoom,
  useHotel,
  useRooms,
  useUpdateHotel,
  useUpdateRoom,
  type Hotel,
  type Room,
} from './hotel-queries'
import { Pictures } from './Pictures'
import { RoomForm } from './RoomForm'
import './admin.css'

/** One hotel: its details, pictures and room types, each changed or deleted here. */
export function HotelDetail({ id }: { id: number }) {
  const hotel = useHotel(id)
  return (
    <Page title={hotel.data?.name ?? 'Hotel'} actions={<Link to="/admin/hotels">All hotels</Link>}>
      <QueryState query={hotel}>
        {(data) => (
          <>
            <HotelSection hotel={data} />
            <RoomTypes hotel={data} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function HotelSection({ hotel }: { hotel: Hotel }) {
  const update = useUpdateHotel(hotel.id)
  const remove = useDeleteHotel()
  return (
    <>
      <HotelForm title="Details" initial={hotel} submitLabel="Save details" save={update} />
      <section className="hotel-card" aria-labelledby="hotel-pictures">
        <h2 id="hotel-pictures">Pictures</h2>
        <Pictures owner="hotel" id={hotel.id} name={hotel.name} images={hotel.images} />
      </section>
      <div className="inline-actions">
        <ConfirmButton
          danger
          title={`Delete ${hotel.name}?`}
          message="Its room types go with it. Past bookings stay in their guests' lists; the API refuses while a stay is still to come."
          confirmLabel="Delete hotel"
          disabled={remove.isPending}
          onConfirm={() => remove.mutate(hotel.id)}
        >
          Delete hotel
        </ConfirmButton>
      </div>
      <ErrorNotice error={remove.error} />
    </>
  )
}

function RoomTypes({ hotel }: { hotel: Hotel }) {
  const rooms = useRooms(hotel.id)
  const create = useCreateRoom(hotel.id)
  return (
    <section aria-labelledby="room-types">
      <h2 id="room-types">Room types</h2>
      <QueryState query={rooms}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No room type yet.</Empty>
          ) : (
            list.map((room) => <RoomCard key={room.id} room={room} />)
          )
        }
      </QueryState>
      <RoomForm title="Add a room type" submitLabel="Add room type" save={create} />
    </section>
  )
}

function RoomCard({ room }: { room: Room }) {
  const update = useUpdateRoom(room.id)
  const remove = useDeleteRoom()
  return (
    <article className="hotel-card" aria-labelledby={`room-${room.id}`}>
      <h3 id={`room-${room.id}`}>
        {room.name} · <Money amount={room.price} /> a night · {room.quantity} rooms
      </h3>
      <details>
        <summary>Change this room type</summary>
        <RoomForm title={`Change ${room.name}`} initial={room} submitLabel="Save room type" save={update} />
      </details>
      <Pictures owner="room" id={room.id} name={room.name} images={room.images} />
      <ConfirmButton
        danger
        title={`Delete ${room.name}?`}
        message="Past bookings stay in their guests' lists; the API refuses while a stay is still to come."
        confirmLabel="Delete room type"
        disabled={remove.isPending}
        onConfirm={() => remove.mutate(room.id)}
      >
        Delete room type
      </ConfirmButton>
      <ErrorNotice error={remove.error} />
    </article>
  )
}
