import type { Clock } from '../../platform/clock.ts'
import { isForeignKeyViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { conflict, invalid, invalidFields, notFound } from '../../platform/errors.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import type { Images, ImageUrls } from '../../platform/images/images.ts'
import { formatCents, formatMoney, parseMoney, toCents } from '../../platform/validation/money.ts'
import { fullestNight, nightsBetween, stayProblems, totalCost, type Stay } from './availability.ts'
import * as bookingRows from './bookings.repository.ts'
import * as repository from './hotels.repository.ts'
import type { BookingsDb, HotelRow, RoomRow } from './bookings.repository.ts'
import type {
  Hotel,
  HotelChanges,
  HotelsQuery,
  Image,
  NewHotel,
  NewRoom,
  Room,
  RoomChanges,
  RoomsQuery,
} from './bookings.schemas.ts'
import type { CatalogCache } from './catalog-cache.ts'

const PRICE_BELOW = '1000000'

export type HotelsService = ReturnType<typeof createHotelsService>

/** Hotels and their room types: search with availability, and the administrators' changes. */
export function createHotelsService(db: BookingsDb, clock: Clock, images: Images, cache: CatalogCache) {
  /** The stay asked for by a query's dates, or a 400 naming what is wrong with them. */
  function stayOf(query: { date_from?: string | undefined; date_to?: string | undefined }): Stay | undefined {
    const problems = stayProblems(query, clock.today())
    if (problems) throw invalidFields(problems)
    return query.date_from !== undefined && query.date_to !== undefined
      ? { dateFrom: query.date_from, dateTo: query.date_to }
      : undefined
  }

  async function searchHotels(query: HotelsQuery, page: PageRequest) {
    const stay = stayOf(query)
    const location = query.location?.trim() === '' ? undefined : query.location?.trim()
    return cache.search([location, stay?.dateFrom, stay?.dateTo, page.limit, page.offset], async () => {
      const { count, rows } = await repository.searchHotels(db, { location, stay, at: clock.now() }, page)
      const imageIds = await repository.imageIdsOf(
        db,
        'hotel',
        rows.map((row) => row.id),
      )
      const urls = await images.urls([...imageIds.values()].flat())
      return {
        count,
        results: rows.map((row) => toHotel(row, imagesOf(imageIds.get(row.id), urls), row.rooms_left)),
      }
    })
  }

  async function getHotelRow(id: number): Promise<HotelRow> {
    const hotel = await repository.findHotel(db, id)
    if (!hotel) throw notFound('Hotel')
    return hotel
  }

  async function assertHotelExists(id: number): Promise<void> {
    await getHotelRow(id)
  }

  async function assertRoomExists(id: number): Promise<void> {
    if (!(await bookingRows.findRoom(db, id))) throw notFound('Room')
  }

  async function getHotel(id: number): Promise<Hotel> {
    return hotelWithImages(await getHotelRow(id))
  }

  async function hotelWithImages(row: HotelRow): Promise<Hotel> {
    const imageIds = await repository.imageIdsOf(db, 'hotel', [row.id])
    const ids = imageIds.get(row.id) ?? []
    return toHotel(row, imagesOf(ids, await images.urls(ids)), null)
  }

  async function listRooms(hotelId: number, query: RoomsQuery): Promise<Room[]> {
    await getHotelRow(hotelId)
    const stay = stayOf(query)
    return cache.rooms(hotelId, [stay?.dateFrom, stay?.dateTo], async () => {
      const rows = await repository.listRooms(db, hotelId, stay, clock.now())
      const imageIds = await repository.imageIdsOf(
        db,
        'room',
        rows.map((row) => row.id),
      )
      const urls = await images.urls([...imageIds.values()].flat())
      const nights = stay ? nightsBetween(stay.dateFrom, stay.dateTo) : undefined
      return rows.map((row) => toRoom(row, imagesOf(imageIds.get(row.id), urls), row.rooms_left, nights))
    })
  }

  async function createHotel(input: NewHotel): Promise<Hotel> {
    const row = await repository.insertHotel(db, {
      name: input.name.trim(),
      location: input.location.trim(),
      address: input.address?.trim() ?? '',
      services: input.services ?? [],
      now: clock.now(),
    })
    await cache.purge(row.id)
    return toHotel(row, [], null)
  }

  async function updateHotel(id: number, changes: HotelChanges): Promise<Hotel> {
    const row = await repository.updateHotel(db, id, {
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      ...(changes.location !== undefined ? { location: changes.location.trim() } : {}),
      ...(changes.address !== undefined ? { address: changes.address.trim() } : {}),
      ...(changes.services !== undefined ? { services: changes.services } : {}),
      now: clock.now(),
    })
    if (!row) throw notFound('Hotel')
    await cache.purge(id)
    return hotelWithImages(row)
  }

  /** Deletes a hotel with its rooms; refused (409) while any of its rooms has a stay to come. */
  async function deleteHotel(id: number): Promise<void> {
    const today = clock.today()
    await transaction(db, async (tx) => {
      await repository.lockHotel(tx, id)
      if (await bookingRows.hasStaysToCome(tx, { hotelId: id }, today, clock.now())) {
        throw conflict('hotel_has_bookings', 'This hotel has confirmed bookings to come; cancel them first.')
      }
      if (!(await repository.deleteHotel(tx, id))) throw notFound('Hotel')
    })
    await cache.purge(id)
  }

  async function createRoom(hotelId: number, input: NewRoom): Promise<Room> {
    const price = checkedPrice(input.price)
    const hotel = await getHotelRow(hotelId)
    const row = await repository
      .insertRoom(db, {
        hotelId: hotel.id,
        name: input.name.trim(),
        description: input.description?.trim() ?? '',
        price,
        quantity: input.quantity,
        services: input.services ?? [],
        now: clock.now(),
      })
      .catch(missingAs('Hotel'))
    await cache.purge(hotelId)
    return toRoom({ ...row }, [], null, undefined)
  }

  /**
   * Changes a room type. Its row is locked while the change is decided, like a booking's, so a lower
   * quantity is refused (409) when confirmed bookings still to come need more rooms on some night.
   */
  async function updateRoom(id: number, changes: RoomChanges): Promise<Room> {
    const price = changes.price === undefined ? undefined : checkedPrice(changes.price)
    const today = clock.today()
    const row = await transaction(db, async (tx) => {
      const room = await bookingRows.lockRoom(tx, id)
      if (!room) throw notFound('Room')
      if (changes.quantity !== undefined && changes.quantity < room.quantity) {
        const stays = await bookingRows.takenStays(tx, id, { dateFrom: today }, clock.now())
        const lastDeparture = stays.reduce((last, stay) => (stay.dateTo > last ? stay.dateTo : last), today)
        const needed = fullestNight(stays, { dateFrom: today, dateTo: lastDeparture })
        if (changes.quantity < needed) {
          throw conflict(
            'room_quantity_below_bookings',
            `Bookings to come need ${needed} rooms of this type on their fullest night.`,
          )
        }
      }
      return repository.updateRoom(tx, id, {
        ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
        ...(changes.description !== undefined ? { description: changes.description.trim() } : {}),
        ...(price !== undefined ? { price } : {}),
        ...(changes.quantity !== undefined ? { quantity: changes.quantity } : {}),
        ...(changes.services !== undefined ? { services: changes.services } : {}),
        now: clock.now(),
      })
    })
    if (!row) throw notFound('Room')
    await cache.purge(row.hotel_id)
    const imageIds = (await repository.imageIdsOf(db, 'room', [id])).get(id) ?? []
    return toRoom(row, imagesOf(imageIds, await images.urls(imageIds)), null, undefined)
  }

  /** Deletes a room type; refused (409) while it has a confirmed stay to come. */
  async function deleteRoom(id: number): Promise<void> {
    const today = clock.today()
    const hotelId = await transaction(db, async (tx) => {
      const room = await bookingRows.lockRoom(tx, id)
      if (!room) throw notFound('Room')
      if (await bookingRows.hasStaysToCome(tx, { roomId: id }, today, clock.now())) {
        throw conflict('room_has_bookings', 'This room has confirmed bookings to come; cancel them first.')
      }
      await repository.deleteRoom(tx, id)
      return room.hotel_id
    })
    await cache.purge(hotelId)
  }

  /** Stores an uploaded image of a hotel; its variants are made in the background. */
  async function addHotelImage(hotelId: number, bytes: Buffer): Promise<Image> {
    await getHotelRow(hotelId)
    const stored = await images.store(bytes)
    const { id } = await transaction(db, async (tx) => {
      const image = await images.record(stored, tx)
      await repository.attachHotelImage(tx, hotelId, image.id, clock.now())
      return image
    }).catch(missingAs('Hotel'))
    await cache.purge(hotelId)
    return uploaded(id)
  }

  /** Stores an uploaded image of a room type; its variants are made in the background. */
  async function addRoomImage(roomId: number, bytes: Buffer): Promise<Image> {
    const room = await bookingRows.findRoom(db, roomId)
    if (!room) throw notFound('Room')
    const stored = await images.store(bytes)
    const { id } = await transaction(db, async (tx) => {
      const image = await images.record(stored, tx)
      await repository.attachRoomImage(tx, roomId, image.id, clock.now())
      return image
    }).catch(missingAs('Room'))
    await cache.purge(room.hotel_id)
    return uploaded(id)
  }

  async function uploaded(imageId: string): Promise<Image> {
    const [image] = imagesOf([imageId], await images.urls([imageId]))
    if (!image) throw new Error(`Image ${imageId} vanished right after it was stored.`)
    return image
  }

  return {
    assertHotelExists,
    assertRoomExists,
    searchHotels,
    getHotel,
    listRooms,
    createHotel,
    updateHotel,
    deleteHotel,
    createRoom,
    updateRoom,
    deleteRoom,
    addHotelImage,
    addRoomImage,
  }
}

function checkedPrice(input: string | number): string {
  const cents = parseMoney(input, { min: '0', exclusiveMin: true, below: PRICE_BELOW })
  if (typeof cents === 'string') throw invalid('price', cents)
  return formatCents(cents)
}

function imagesOf(ids: readonly string[] | undefined, urls: Map<string, ImageUrls>): Image[] {
  return (ids ?? []).flatMap((id) => {
    const image = urls.get(id)
    return image ? [image] : []
  })
}

function toHotel(row: HotelRow, hotelImages: Image[], roomsLeft: number | null): Hotel {
  return {
    id: row.id,
    name: row.name,
    location: row.location,
    address: row.address,
    services: row.services,
    images: hotelImages,
    ...(roomsLeft === null ? {} : { rooms_left: roomsLeft }),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}

function toRoom(
  row: RoomRow,
  roomImages: Image[],
  roomsLeft: number | null,
  nights: number | undefined,
): Room {
  return {
    id: row.id,
    hotel_id: row.hotel_id,
    name: row.name,
    description: row.description,
    price: formatMoney(row.price),
    quantity: row.quantity,
    services: row.services,
    images: roomImages,
    ...(roomsLeft === null ? {} : { rooms_left: roomsLeft }),
    ...(nights === undefined ? {} : { total_cost: formatCents(totalCost(toCents(row.price), nights)) }),
  }
}

/** A write that referred to a hotel or room deleted meanwhile: 404, as if it had been missing before. */
function missingAs(what: 'Hotel' | 'Room') {
  return (error: unknown): never => {
    if (isForeignKeyViolation(error)) throw notFound(what)
    throw error
  }
}
