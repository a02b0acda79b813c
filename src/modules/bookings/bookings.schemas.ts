import { Type, type Static } from 'typebox'
import { NOT_BLANK, PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const Id = (description: string, example = 1) =>
  Type.Integer({ minimum: 1, maximum: 2147483647, description, examples: [example] })
const CalendarDate = (description: string, example: string) =>
  Type.String({ format: 'date', description, examples: [example] })
const Money = (description: string, example: string) => Type.String({ description, examples: [example] })
const MoneyInput = Type.Union([Type.String({ maxLength: 20 }), Type.Number()], {
  description:
    'Price per night: a decimal string ("120.00") or a number; more than 0, at most 2 decimals, below 1 000 000.',
  examples: ['120.00'],
})
const Services = Type.Array(Type.String({ minLength: 1, maxLength: 100, ...NOT_BLANK }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'What is offered, in words.',
  examples: [['wifi', 'breakfast']],
})
const Text = (min: number, max: number, description: string, example: string) =>
  Type.String({
    minLength: min,
    maxLength: max,
    ...(min > 0 ? NOT_BLANK : {}),
    description,
    examples: [example],
  })

export const ImageVariantUrl = Type.Object({
  size: Type.Integer({ description: 'The width asked for: 1000, 500 or 200.', examples: [500] }),
  width: Type.Integer({ examples: [500] }),
  height: Type.Integer({ examples: [333] }),
  url: Type.String({ description: 'A signed link that expires (FILE_URL_TTL).' }),
})

export const Image = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    status: Type.String({
      description: 'pending until the background job made the variants, then ready (or failed).',
      examples: ['ready'],
    }),
    original: Type.String({ description: 'A signed link to the uploaded file.' }),
    variants: Type.Array(ImageVariantUrl, { description: 'WebP copies 1000, 500 and 200 pixels wide.' }),
  },
  { title: 'Image' },
)
export type Image = Static<typeof Image>

/** The upload form, for the documentation: the route reads and checks its parts as they stream in. */
export const ImageForm = Type.Object(
  { image: Type.String({ format: 'binary', description: 'The image file: JPEG, PNG or WebP.' }) },
  { title: 'ImageForm' },
)

export const Hotel = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    name: Type.String({ examples: ['Hotel Atlântico'] }),
    location: Type.String({ description: 'City or area.', examples: ['Rio de Janeiro'] }),
    address: Type.String({ examples: ['Av. Atlântica, 1702'] }),
    services: Type.Array(Type.String(), { examples: [['wifi', 'pool']] }),
    images: Type.Array(Image),
    rooms_left: Type.Optional(
      Type.Integer({
        description: 'Only when searching with dates: rooms left for the whole stay, over all room types.',
        examples: [7],
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Hotel' },
)
export type Hotel = Static<typeof Hotel>

export const HotelsPage = PageOf(Hotel, 'HotelsPage')

export const StayQuery = {
  date_from: Type.Optional(CalendarDate('First night (with date_to).', '2026-04-10')),
  date_to: Type.Optional(
    CalendarDate('Day of departure (with date_from); the night before is the last.', '2026-04-13'),
  ),
}

export const HotelsQuery = Type.Object({
  location: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Part of the location, case-insensitive.',
      examples: ['rio'],
    }),
  ),
  ...StayQuery,
  ...PageQuery,
})
export type HotelsQuery = Static<typeof HotelsQuery>

export const RoomsQuery = Type.Object({ ...StayQuery })
export type RoomsQuery = Static<typeof RoomsQuery>

export const NewHotel = Type.Object(
  {
    name: Text(1, 200, 'The hotel’s name.', 'Hotel Atlântico'),
    location: Text(1, 200, 'City or area, as guests search for it.', 'Rio de Janeiro'),
    address: Type.Optional(Text(0, 500, 'Street address.', 'Av. Atlântica, 1702')),
    services: Type.Optional(Services),
  },
  { additionalProperties: false, title: 'NewHotel' },
)
export type NewHotel = Static<typeof NewHotel>

export const HotelChanges = Type.Partial(NewHotel, {
  additionalProperties: false,
  title: 'HotelChanges',
  minProperties: 1,
})
export type HotelChanges = Static<typeof HotelChanges>

export const Room = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    hotel_id: Type.Integer({ examples: [1] }),
    name: Type.String({ examples: ['Double, sea view'] }),
    description: Type.String({ examples: ['A double bed and a balcony over the beach.'] }),
    price: Money('Price per night.', '120.00'),
    quantity: Type.Integer({ description: 'How many rooms of this type the hotel has.', examples: [5] }),
    services: Type.Array(Type.String(), { examples: [['air conditioning']] }),
    images: Type.Array(Image),
    rooms_left: Type.Optional(
      Type.Integer({
        description:
          'Only with dates: quantity less the confirmed and held (awaiting payment) bookings on the fullest night of the stay.',
        examples: [2],
      }),
    ),
    total_cost: Type.Optional(Money('Only with dates: nights × price.', '360.00')),
  },
  { title: 'Room' },
)
export type Room = Static<typeof Room>

export const Rooms = Type.Array(Room, { title: 'Rooms' })

export const NewRoom = Type.Object(
  {
    name: Text(1, 200, 'The room type’s name.', 'Double, sea view'),
    description: Type.Optional(Text(0, 2000, 'What the room is like.', 'A double bed and a balcony.')),
    price: MoneyInput,
    quantity: Type.Integer({
      minimum: 1,
      maximum: 10000,
      description: 'How many rooms of this type the hotel has.',
      examples: [5],
    }),
    services: Type.Optional(Services),
  },
  { additionalProperties: false, title: 'NewRoom' },
)
export type NewRoom = Static<typeof NewRoom>

export const RoomChanges = Type.Partial(NewRoom, {
  additionalProperties: false,
  title: 'RoomChanges',
  minProperties: 1,
})
export type RoomChanges = Static<typeof RoomChanges>

export const Payment = Type.Object(
  {
    checkout_url: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
      description: 'Where the guest pays (Stripe Checkout); null once the payment is closed.',
    }),
    expires_at: Type.String({
      format: 'date-time',
      description: 'When the hold on the rooms ends if the booking is still unpaid.',
    }),
    status: Type.String({
      description: 'pending, paid, refunded, partially_refunded, failed or expired.',
      examples: ['pending'],
    }),
  },
  { title: 'Payment' },
)

export const Booking = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    room_id: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The room type booked; null once an administrator deleted it.',
      examples: [1],
    }),
    hotel_name: Type.String({ examples: ['Hotel Atlântico'] }),
    room_name: Type.String({ examples: ['Double, sea view'] }),
    date_from: CalendarDate('First night.', '2026-04-10'),
    date_to: CalendarDate('Day of departure.', '2026-04-13'),
    price: Money('Price per night when booked.', '120.00'),
    nights: Type.Integer({ examples: [3] }),
    total_cost: Money('nights × price.', '360.00'),
    status: Type.String({
      description:
        'pending_payment (its rooms held until payment.expires_at), confirmed, cancelled, or expired (not paid in time). Without card payments, bookings are confirmed at once.',
      examples: ['confirmed'],
    }),
    created_at: Timestamp,
    payment: Type.Optional(
      Type.Union([Payment, Type.Null()], {
        description: 'Only when guests pay by card: the booking’s payment; null when it has none.',
      }),
    ),
    refund_status: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description:
          'Only when guests pay by card: the refund of a cancelled paid booking (pending, succeeded, failed, …); null when none.',
        examples: ['succeeded'],
      }),
    ),
  },
  { title: 'Booking' },
)
export type Booking = Static<typeof Booking>

export const BookingsPage = PageOf(Booking, 'BookingsPage')
export const BookingsQuery = Type.Object({ ...PageQuery })

export const NewBooking = Type.Object(
  {
    room_id: Id('The room type to book.'),
    date_from: CalendarDate('First night: today or later.', '2026-04-10'),
    date_to: CalendarDate('Day of departure: after date_from, at most 30 nights later.', '2026-04-13'),
  },
  { additionalProperties: false, title: 'NewBooking' },
)
export type NewBooking = Static<typeof NewBooking>
