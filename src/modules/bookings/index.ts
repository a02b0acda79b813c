import { Type } from 'typebox'
import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import { defineJob, type JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import type { BookingsTables } from './bookings.repository.ts'
import { roomsQuery, searchHotelsQuery } from './hotels.repository.ts'
import { bookingRoutes } from './bookings.routes.ts'
import { seedHotels } from './bookings.seed.ts'
import { createBookingsService, type Contacts } from './bookings.service.ts'
import { createCatalogCache } from './catalog-cache.ts'
import {
  bookingsByHotelMonth,
  bookingsByMonth,
  hotelRooms,
  roomsInAll,
  type HotelIds,
  type HotelMonthFigures,
  type HotelRooms,
  type HotelSelection,
  type MonthFigures,
} from './booking-stats.ts'
import { hotelRoutes } from './hotels.routes.ts'
import { imageRoutes } from './images.routes.ts'
import { createHotelsService } from './hotels.service.ts'
import { createPaymentOutcomes, type PaymentOutcome } from './payment-outcomes.ts'
import type { BookingPayments } from './payments.ts'

export type {
  BookingsTables,
  HotelIds,
  HotelMonthFigures,
  HotelRooms,
  HotelSelection,
  MonthFigures,
  PaymentOutcome,
}
export type { BookingPayments, BookingToPay, PaymentFacts, PaymentView } from './payments.ts'
export type { Booking } from './bookings.schemas.ts'
export type BookingsApi = BookingsModule['api']

/** Figures for statistics. */
export interface BookingStats {
  /** Nights sold, revenue and cancellations by hotel and month, from `from` to `to` inclusive (hotels with ids in `hotels` only, if given). */
  bookingsByHotelMonth(range: { from: string; to: string }, hotels?: HotelIds): Promise<HotelMonthFigures[]>
  /** The same summed over every hotel, by month. */
  bookingsByMonth(range: { from: string; to: string }): Promise<MonthFigures[]>
  /** Hotels by id with their rooms (one, a page, or all), and how many the selection holds in all. */
  hotelRooms(selection?: HotelSelection): Promise<{ count: number; hotels: HotelRooms[] }>
  /** The rooms of every hotel together. */
  roomsInAll(): Promise<number>
}

/**
 * The availability queries exactly as the API runs them, for the benchmark's EXPLAIN: compile them
 * with a Kysely instance of the database (`.compile(db)`).
 */
export const availabilitySql = { searchHotelsQuery, roomsQuery }

export interface BookingsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
  api: {
    /** Demo hotels in a few cities with rooms and pictures (`npm run seed`); returns how many were added. */
    seedDemo(): Promise<number>
    stats: BookingStats
  } & ReturnType<typeof createPaymentOutcomes>
}

export interface BookingsDependencies {
  guards: Guards
  contacts: Contacts
  /** When guests pay (billing on): bookings wait for their payment, holding their rooms. */
  payments?: BookingPayments | undefined
}

export function createBookingsModule(platform: Platform, deps: BookingsDependencies): BookingsModule {
  const { config } = platform
  const db = platform.db.$extendTables<BookingsTables>()
  const cache = createCatalogCache(platform.cache, platform.logger, config.bookings.cacheTtlSeconds)
  const hotels = createHotelsService(db, platform.clock, platform.images, cache)
  const context = {
    db,
    clock: platform.clock,
    emails: platform.emails,
    contacts: deps.contacts,
    cache,
    payments: deps.payments,
  }
  const bookings = createBookingsService(context)
  const remind = defineJob({
    name: 'bookings.remind-guests',
    payload: Type.Object({}),
    cron: config.bookings.reminderCron,
    handle: async (_payload, { logger }) => {
      await bookings.remindTomorrowsGuests(logger)
    },
  })
  const routes = [
    hotelRoutes(hotels, deps.guards, config.publicUrl),
    bookingRoutes(bookings, deps.guards, platform.idempotency, config.publicUrl),
    imageRoutes(hotels, deps.guards, config.uploadMaxBytes),
  ]
  return {
    routes: async (app) => {
      for (const register of routes) await register(app)
    },
    jobs: [remind],
    api: {
      seedDemo: () => seedHotels(db, hotels),
      stats: {
        bookingsByHotelMonth: (range, hotels) => bookingsByHotelMonth(db, range, hotels),
        bookingsByMonth: (range) => bookingsByMonth(db, range),
        hotelRooms: (selection) => hotelRooms(db, selection),
        roomsInAll: () => roomsInAll(db),
      },
      ...createPaymentOutcomes(context),
    },
  }
}
