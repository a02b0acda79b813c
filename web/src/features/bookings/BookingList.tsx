import { Link, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { BookingStatusBadge, CancelBooking, RefundText } from './BookingStatus'
import { useMyBookings } from './queries'
import './bookings.css'

/** The caller's bookings, stays to come first. */
export function BookingList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const bookings = useMyBookings(page)
  return (
    <Page title="My bookings" actions={<Link to="/hotels">Find a hotel</Link>}>
      <QueryState query={bookings}>
        {(list) => (
          <>
            <DataTable
              caption="My bookings"
              rows={list.results}
              empty="No bookings yet."
              columns={[
                {
                  header: 'Hotel',
                  cell: (row) => <Link to={`/bookings/${row.id}`}>{row.hotel_name}</Link>,
                },
                { header: 'Room', cell: (row) => row.room_name },
                { header: 'Arrival', cell: (row) => <DateText date={row.date_from} /> },
                { header: 'Departure', cell: (row) => <DateText date={row.date_to} /> },
                { header: 'Nights', cell: (row) => row.nights, numeric: true },
                { header: 'Total', cell: (row) => <Money amount={row.total_cost} />, numeric: true },
                {
                  header: 'Status',
                  cell: (row) => (
                    <>
                      <BookingStatusBadge booking={row} /> <RefundText booking={row} />
                    </>
                  ),
                },
                { header: 'Actions', cell: (row) => <CancelBooking booking={row} /> },
              ]}
            />
            {list.count > 0 ? <Pager page={page} list={list} /> : null}
          </>
        )}
      </QueryState>
    </Page>
  )
}
