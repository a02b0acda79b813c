import { useState } from 'react'
import { Link, navigate, setQuery, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { HotelForm } from './HotelForm'
import { useCreateHotel, useHotels } from './hotel-queries'
import './admin.css'

/** The hotels guests can book, by name; each opens to its details, room types and pictures. */
export function HotelList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const location = query.get('location') ?? ''
  const hotels = useHotels(location, page)
  const create = useCreateHotel()
  return (
    <Page title="Hotels">
      <LocationSearch key={location} initial={location} />
      <QueryState query={hotels}>
        {(list) => (
          <>
            <DataTable
              caption="Hotels, by name"
              rows={list.results}
              empty="No hotel yet. Add the first one below."
              columns={[
                {
                  header: 'Name',
                  cell: (hotel) => <Link to={`/admin/hotels/${hotel.id}`}>{hotel.name}</Link>,
                },
                { header: 'Location', cell: (hotel) => hotel.location },
                { header: 'Services', cell: (hotel) => hotel.services.join(', ') || '—' },
                { header: 'Pictures', numeric: true, cell: (hotel) => hotel.images.length },
              ]}
            />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
      <HotelForm
        title="Add a hotel"
        submitLabel="Add hotel"
        save={{
          ...create,
          mutate: (input) =>
            create.mutate(input, { onSuccess: (hotel) => navigate(`/admin/hotels/${hotel.id}`) }),
        }}
      />
    </Page>
  )
}

function LocationSearch({ initial }: { initial: string }) {
  const [location, setLocation] = useState(initial)
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Find hotels"
      onSubmit={onSubmit(() => setQuery({ location: location.trim(), page: undefined }))}
    >
      <TextField label="Location" name="location" value={location} onChange={setLocation} error={undefined} />
      <button type="submit" className="primary">
        Find
      </button>
    </form>
  )
}
