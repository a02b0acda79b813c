import { Link, setQuery, useLocation } from '../../router'
import { Pager, pageFrom } from '../../ui/DataTable'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'
import { Empty, Loading } from '../../ui/states'
import { VariantImage } from '../../ui/VariantImage'
import { useHotels, type Hotel, type Stay } from './queries'
import './bookings.css'
import { useFields } from '../../ui/useFields'

const SEARCH_FIELDS = ['location', 'date_from', 'date_to']

/** The stay in the URL (`?date_from=&date_to=`), so a search can be shared and the rooms page keeps it. */
export function stayFrom(query: URLSearchParams): Stay {
  return { date_from: query.get('date_from') ?? '', date_to: query.get('date_to') ?? '' }
}

export function stayParams(stay: Stay): string {
  const params = new URLSearchParams()
  if (stay.date_from) params.set('date_from', stay.date_from)
  if (stay.date_to) params.set('date_to', stay.date_to)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** Hotels by location and dates: with dates, only those with rooms left for the whole stay. */
export function HotelSearch() {
  const { query } = useLocation()
  const search = { location: query.get('location') ?? '', ...stayFrom(query), page: pageFrom(query) }
  const hotels = useHotels(search)
  return (
    <Page title="Find a hotel">
      <SearchForm key={query.toString()} initial={search} error={hotels.error} />
      {hotels.error ? null : hotels.isPending ? (
        <Loading what="Searching" />
      ) : (
        <>
          <HotelList hotels={hotels.data.results} stay={search} />
          {hotels.data.count > 0 ? <Pager page={search.page} list={hotels.data} /> : null}
        </>
      )}
    </Page>
  )
}

function SearchForm({ initial, error }: { initial: { location: string } & Stay; error: unknown }) {
  const [form, set] = useFields(initial)
  return (
    <form
      className="toolbar hotel-search"
      role="search"
      aria-label="Hotels"
      onSubmit={onSubmit(() => setQuery({ ...form, page: undefined }))}
      noValidate
    >
      <TextField
        label="Location"
        name="location"
        value={form.location}
        onChange={set('location')}
        error={error}
      />
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
      <button type="submit" className="primary">
        Search
      </button>
      <FormErrors error={error} fields={SEARCH_FIELDS} />
    </form>
  )
}

function HotelList({ hotels, stay }: { hotels: Hotel[]; stay: Stay }) {
  if (hotels.length === 0)
    return (
      <Empty>
        {stay.date_from ? 'No hotel here has rooms left for these dates.' : 'No hotel matches this location.'}
      </Empty>
    )
  return (
    <ul className="hotel-list" aria-label="Hotels found">
      {hotels.map((hotel) => (
        <li key={hotel.id} className={hotel.images.length ? 'hotel-card' : 'hotel-card no-picture'}>
          <HotelPicture hotel={hotel} />
          <div>
            <h2>
              <Link to={`/hotels/${hotel.id}${stayParams(stay)}`}>{hotel.name}</Link>
            </h2>
            <p className="muted">
              {hotel.location}
              {hotel.address ? ` · ${hotel.address}` : ''}
            </p>
            {hotel.services.length ? <p className="small">{hotel.services.join(' · ')}</p> : null}
            {hotel.rooms_left !== undefined ? (
              <p className="rooms-left">
                {hotel.rooms_left === 1 ? '1 room left' : `${hotel.rooms_left} rooms left`}
              </p>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  )
}

function HotelPicture({ hotel }: { hotel: Hotel }) {
  const image = hotel.images[0]
  if (!image) return null
  return (
    <VariantImage
      className="hotel-picture"
      variants={image.variants}
      original={image.original}
      alt={`${hotel.name}, ${hotel.location}`}
      thumbnail
    />
  )
}
