import { existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import {
  Hotel,
  HotelChanges,
  HotelsPage,
  HotelsQuery,
  NewHotel,
  NewRoom,
  Room,
  RoomChanges,
  Rooms,
  RoomsQuery,
} from './bookings.schemas.ts'
import type { HotelsService } from './hotels.service.ts'

const STAY_RULES =
  'Dates come together or not at all: date_to after date_from, date_from from today (business time zone), at most 30 nights; nights are [date_from, date_to).'

/** Hotels and room types: anyone searches and reads them; administrators change them. */
export function hotelRoutes(hotels: HotelsService, guards: Guards, publicUrl: string) {
  const admin = [guards.authenticate, guards.requireRole('admin')]
  return async (app: App) => {
    app.get(
      '/api/hotels',
      {
        schema: {
          tags: ['bookings'],
          summary: 'Search hotels by location and, optionally, dates; ordered by name then id',
          description: `Location matches part of the hotel's location, case-insensitively. With dates, only hotels with a room left for the whole stay, each with its rooms_left. ${STAY_RULES} Cached briefly; bookings and changes purge the cache.`,
          querystring: HotelsQuery,
          response: { 200: HotelsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await hotels.searchHotels(request.query, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.get(
      '/api/hotels/:id',
      {
        schema: {
          tags: ['bookings'],
          summary: 'A hotel, with its services and image links',
          params: IdParams,
          response: { 200: Hotel },
        },
      },
      async (request) => hotels.getHotel(request.params.id),
    )

    app.get(
      '/api/hotels/:id/rooms',
      {
        preValidation: existsBeforeValidation(hotels.assertHotelExists),
        schema: {
          tags: ['bookings'],
          summary: 'The room types of a hotel, by id; with dates, rooms left and the cost of the stay',
          description: `rooms_left is the quantity less the confirmed and held (awaiting payment) bookings on the fullest night of the stay; total_cost is nights × price. ${STAY_RULES} Cached briefly; bookings and changes purge the cache.`,
          params: IdParams,
          querystring: RoomsQuery,
          response: { 200: Rooms },
        },
      },
      async (request) => hotels.listRooms(request.params.id, request.query),
    )

    app.post(
      '/api/hotels',
      {
        preHandler: admin,
        schema: {
          tags: ['bookings'],
          summary: 'Create a hotel (administrators)',
          body: NewHotel,
          response: { 201: Hotel },
        },
      },
      async (request, reply) => reply.code(201).send(await hotels.createHotel(request.body)),
    )

    app.patch(
      '/api/hotels/:id',
      {
        preHandler: admin,
        preValidation: existsBeforeValidation(hotels.assertHotelExists),
        schema: {
          tags: ['bookings'],
          summary: 'Change some of a hotel’s fields (administrators)',
          params: IdParams,
          body: HotelChanges,
          response: { 200: Hotel },
        },
      },
      async (request) => hotels.updateHotel(request.params.id, request.body),
    )

    app.delete(
      '/api/hotels/:id',
      {
        preHandler: admin,
        schema: {
          tags: ['bookings'],
          summary: 'Delete a hotel and its room types (administrators)',
          description:
            '409 while any of its rooms has a confirmed booking that has not ended. Past bookings stay in their guests’ lists.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await hotels.deleteHotel(request.params.id)
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/api/hotels/:id/rooms',
      {
        preHandler: admin,
        preValidation: existsBeforeValidation(hotels.assertHotelExists),
        schema: {
          tags: ['bookings'],
          summary: 'Add a room type to a hotel (administrators)',
          description: 'price is per night; quantity is how many such rooms the hotel has (at least 1).',
          params: IdParams,
          body: NewRoom,
          response: { 201: Room },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await hotels.createRoom(request.params.id, request.body)),
    )

    app.patch(
      '/api/rooms/:id',
      {
        preHandler: admin,
        preValidation: existsBeforeValidation(hotels.assertRoomExists),
        schema: {
          tags: ['bookings'],
          summary: 'Change some of a room type’s fields (administrators)',
          description:
            'A lower quantity than confirmed bookings to come need on some night → 409. A new price applies to new bookings only.',
          params: IdParams,
          body: RoomChanges,
          response: { 200: Room },
        },
      },
      async (request) => hotels.updateRoom(request.params.id, request.body),
    )

    app.delete(
      '/api/rooms/:id',
      {
        preHandler: admin,
        schema: {
          tags: ['bookings'],
          summary: 'Delete a room type (administrators)',
          description:
            '409 while it has a confirmed booking that has not ended. Past bookings stay in their guests’ lists.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await hotels.deleteRoom(request.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
