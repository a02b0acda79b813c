import type { PageDef } from '../../pages'
import { BookingDetail } from './BookingDetail'
import { BookingList } from './BookingList'
import { HotelRooms } from './HotelRooms'
import { HotelSearch } from './HotelSearch'

export const bookingsPages: PageDef[] = [
  {
    path: '/hotels',
    access: 'signed-in',
    render: () => <HotelSearch />,
    nav: { label: 'Hotels', order: 10 },
  },
  { path: '/hotels/:id', access: 'signed-in', render: ({ id }) => <HotelRooms id={Number(id)} /> },
  {
    path: '/bookings',
    access: 'signed-in',
    render: () => <BookingList />,
    nav: { label: 'My bookings', order: 11 },
  },
  { path: '/bookings/:id', access: 'signed-in', render: ({ id }) => <BookingDetail id={Number(id)} /> },
]
