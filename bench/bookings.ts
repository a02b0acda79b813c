import { openDatabase } from '../src/platform/database/database.ts'
import { availabilitySql, type BookingsTables } from '../src/modules/bookings/index.ts'
import {
  addPastBookings,
  CITIES,
  generateBookingData,
  guestEmail,
  hotelIds,
  roomIds,
  type BookingsDataSet,
} from './bookings-data.ts'
import { createBenchDatabase, type BenchDatabase } from './database.ts'
import { BENCH_PASSWORD } from './data.ts'
import { login, type Scenario } from './load.ts'
import { uptime, waitForQuiet } from './machine.ts'
import type { Defer } from './measure.ts'
import type { BenchOptions } from './options.ts'
import { measure, type Bench, type ScenarioResult } from './run-scenario.ts'
import { addDays } from './scenarios.ts'
import { startServer } from './server.ts'

export const BENCH_HOTELS = 1_000
/** Past stays added per room type for the second measurement (10 000 room types: 800 000 rows). */
const MORE_PAST_PER_ROOM = 80

export interface BookingsPhase {
  data: BookingsDataSet[]
  conditions: { uptimeBefore: string; uptimeAfter: string; quiet: boolean; waitedSeconds: number }
  scenarios: (ScenarioResult & { bookings: number })[]
  explain: { query: string; bookings: number; statement: string; plan: string }[]
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/**
 * Searches over 20 cities × 60 first nights × 1–7 nights (8 400 distinct searches, so nearly every
 * request misses the cache); `shift` moves the first nights so a second run does not hit the first's
 * entries.
 */
function searchScenario(today: string, shift: number): Scenario {
  let next = 0
  return {
    name: 'GET /api/hotels?location=&date_from=&date_to= (distinct searches, cache misses)',
    method: 'GET',
    next: () => {
      const i = next++
      const city = CITIES[i % CITIES.length] ?? 'Lisbon'
      const from = addDays(today, 1 + shift + (Math.floor(i / CITIES.length) % 60))
      const to = addDays(from, 1 + (Math.floor(i / (CITIES.length * 60)) % 7))
      return {
        path: `/api/hotels?location=${encodeURIComponent(city)}&date_from=${from}&date_to=${to}`,
        headers: {},
      }
    },
  }
}

function cachedSearchScenario(today: string): Scenario {
  const path = `/api/hotels?location=${encodeURIComponent('Rio de Janeiro')}&date_from=${addDays(today, 3)}&date_to=${addDays(today, 5)}`
  return {
    name: 'GET /api/hotels?location=&date_from=&date_to= (one search, cached)',
    method: 'GET',
    next: () => ({ path, headers: {} }),
  }
}

/** Room lists of random hotels for random stays (60 000 distinct lists: cache misses). */
function roomsScenario(today: string, hotels: number[], shift: number): Scenario {
  return {
    name: 'GET /api/hotels/{id}/rooms?date_from=&date_to= (cache misses)',
    method: 'GET',
    next: () => {
      const hotel = hotels[Math.floor(Math.random() * hotels.length)] ?? 1
      const from = addDays(today, 1 + shift + Math.floor(Math.random() * 60))
      return { path: `/api/hotels/${hotel}/rooms?date_from=${from}&date_to=${addDays(from, 2)}`, headers: {} }
    },
  }
}

/** Guests booking random room types for 1–3 nights between 100 and 400 days ahead. */
function bookingScenario(today: string, rooms: number[], tokens: string[]): Scenario {
  let next = 0
  return {
    name: 'POST /api/bookings',
    method: 'POST',
    next: () => {
      const token = tokens[next++ % tokens.length] ?? ''
      const from = addDays(today, 100 + Math.floor(Math.random() * 300))
      return {
        path: '/api/bookings',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({
          room_id: rooms[Math.floor(Math.random() * rooms.length)],
          date_from: from,
          date_to: addDays(from, 1 + Math.floor(Math.random() * 3)),
        }),
      }
    },
  }
}

/**
 * Hotel bookings, end to end: 1 000 hotels, 10 000 room types and 200 000 bookings generated in SQL,
 * Bureau on them, the search, room list and booking scenarios, EXPLAIN of the availability queries;
 * then 800 000 more past bookings and the read scenarios and EXPLAIN again, to compare.
 */
export async function measureBookings(
  options: BenchOptions,
  say: (line: string) => void,
  defer: Defer,
): Promise<BookingsPhase> {
  const today = new Date().toISOString().slice(0, 10)
  say(`\n== hotel bookings: ${BENCH_HOTELS.toLocaleString('en')} hotels ==`)
  say(`creating database ${options.databaseName} and migrating it`)
  const database = await createBenchDatabase(options.adminUrl, options.databaseName)
  defer(() => database.drop())
  say('generating hotels, room types and bookings in SQL, then VACUUM ANALYZE')
  const base = await generateBookingData(database.client, BENCH_HOTELS, today)
  say(describeData(base))
  say(
    `starting Bureau (node src/main.ts serve, NODE_ENV=production, LOG_LEVEL=warn, tracing ${options.tracing ? 'on' : 'off'})`,
  )
  const server = await startServer(database.url, options.poolSize, options.tracing)
  defer(() => server.stop())
  const tokens: string[] = []
  for (let n = 1; n <= 10; n++) tokens.push(await login(server.url, guestEmail(n), BENCH_PASSWORD))
  const hotels = await hotelIds(database.client)
  const rooms = await roomIds(database.client)
  const quiet = await waitForQuiet(options.maxLoad, options.maxWait, say)
  const uptimeBefore = uptime()
  say(`  ${uptimeBefore}`)

  const bench: Bench = { options, server, database, say }
  const scenarios: BookingsPhase['scenarios'] = []
  const run = async (scenario: Scenario, bookings: number) => {
    scenarios.push({ ...(await measure(bench, 'bookings', scenario)), bookings })
  }
  await run(searchScenario(today, 0), base.bookings)
  await run(cachedSearchScenario(today), base.bookings)
  await run(roomsScenario(today, hotels, 0), base.bookings)
  const explain = await explainAvailability(database, today, hotels[0] ?? 1, base.bookings)
  await run(bookingScenario(today, rooms, tokens), base.bookings)

  say(`adding ${MORE_PAST_PER_ROOM} past stays per room type, then VACUUM ANALYZE`)
  const grown = await addPastBookings(database.client, MORE_PAST_PER_ROOM, today)
  say(describeData(grown))
  await run(searchScenario(today, 60), grown.bookings)
  await run(roomsScenario(today, hotels, 60), grown.bookings)
  explain.push(...(await explainAvailability(database, today, hotels[0] ?? 1, grown.bookings)))
  const uptimeAfter = uptime()
  say(`  ${uptimeAfter}`)
  await server.stop()
  await database.drop()
  return {
    data: [base, grown],
    conditions: { uptimeBefore, uptimeAfter, quiet: quiet.quiet, waitedSeconds: quiet.waitedSeconds },
    scenarios,
    explain,
  }
}

function describeData(data: BookingsDataSet): string {
  return `  ${data.hotels} hotels, ${data.rooms} room types, ${data.bookings} bookings (${data.pastBookings} past), ${data.seconds.toFixed(1)} s`
}

/** EXPLAIN (ANALYZE, BUFFERS) of the SQL the API runs for a search and a room list, 3 nights ahead. */
async function explainAvailability(
  database: BenchDatabase,
  today: string,
  hotelId: number,
  bookings: number,
): Promise<BookingsPhase['explain']> {
  const kysely = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 1 })
  try {
    const db = kysely.db.$extendTables<BookingsTables>()
    const stay = { dateFrom: addDays(today, 3), dateTo: addDays(today, 6) }
    const queries = [
      {
        query: `search: location "Rio de Janeiro", ${stay.dateFrom} to ${stay.dateTo}, page 1`,
        compiled: availabilitySql
          .searchHotelsQuery({ location: 'Rio de Janeiro', stay, at: new Date() }, { limit: 10, offset: 0 })
          .compile(db),
      },
      {
        query: `rooms of hotel ${hotelId}, ${stay.dateFrom} to ${stay.dateTo}`,
        compiled: availabilitySql.roomsQuery(db, hotelId, stay, new Date()).compile(),
      },
    ]
    const plans: BookingsPhase['explain'] = []
    for (const { query, compiled } of queries) {
      const { rows } = await database.client.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${compiled.sql}`,
        [...compiled.parameters],
      )
      plans.push({
        query,
        bookings,
        statement: compiled.sql,
        plan: rows.map((row) => row['QUERY PLAN']).join('\n'),
      })
    }
    return plans
  } finally {
    await kysely.close()
  }
}

export function bookingsTable(phase: BookingsPhase): string {
  const header = [
    'scenario',
    'bookings',
    'req/s',
    'p50 ms',
    'p99 ms',
    'requests',
    'non-2xx/errors',
    'CPU ms/req Bureau + PG',
  ]
  const rows = phase.scenarios.map((s) => [
    s.name,
    s.bookings.toLocaleString('en'),
    s.http.requestsPerSecond.toFixed(0),
    String(s.http.p50Ms),
    String(s.http.p99Ms),
    String(s.http.requests),
    `${s.http.non2xx}/${s.http.errors}`,
    `${s.cpu.serverMs.toFixed(2)} + ${s.cpu.postgresMs.toFixed(2)}`,
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')
}
