import { generateBookingData, type BookingsDataSet } from './bookings-data.ts'
import { BENCH_HOTELS } from './bookings.ts'
import { createBenchDatabase } from './database.ts'
import { BENCH_PASSWORD, generateData, supplierEmail, type DataSet } from './data.ts'
import { login, type Scenario } from './load.ts'
import { uptime, waitForQuiet } from './machine.ts'
import type { Defer } from './measure.ts'
import type { BenchOptions } from './options.ts'
import { measure, type Bench, type ScenarioResult } from './run-scenario.ts'
import { addDays } from './scenarios.ts'
import { startServer } from './server.ts'
import { ADMIN_EMAIL, generateComplaintData, type ComplaintsDataSet } from './statistics-data.ts'

/** The statistics' targets are set at 8 connections, whatever --connections says for the other kinds. */
export const STATS_CONNECTIONS = 8
/** Complaints per payment: 100 000 at the default 1 000 000 payments. */
const COMPLAINTS_PER_PAYMENT = 0.1

export interface StatisticsPhase {
  data: { payments: DataSet; bookings: BookingsDataSet; complaints: ComplaintsDataSet }
  conditions: { uptimeBefore: string; uptimeAfter: string; quiet: boolean; waitedSeconds: number }
  scenarios: (ScenarioResult & { range: string; targetMs: number })[]
}

/** The ranges measured: the default 12 months, and five years (the longest allowed) around the data. */
function ranges(today: string): { name: string; query: string; targetMs: number }[] {
  const from = addDays(today, -1459)
  return [
    { name: '12 months (default)', query: '', targetMs: 100 },
    { name: '5 years', query: `from=${from}&to=${addDays(from, 1824)}`, targetMs: 500 },
  ]
}

function fixed(name: string, path: string, token: string): Scenario {
  return { name, method: 'GET', next: () => ({ path, headers: { authorization: `Bearer ${token}` } }) }
}

/**
 * Statistics on the full data set: payments (data.ts), hotel bookings (bookings-data.ts), complaints
 * and payouts (statistics-data.ts), all generated in SQL; then every statistics endpoint for 12 months
 * and for 5 years at 8 connections, as an admin (and the payables as one supplier).
 */
export async function measureStatistics(
  options: BenchOptions,
  say: (line: string) => void,
  defer: Defer,
): Promise<StatisticsPhase> {
  const today = new Date().toISOString().slice(0, 10)
  say(`\n== statistics: ${options.payments.toLocaleString('en')} payments ==`)
  const database = await createBenchDatabase(options.adminUrl, options.databaseName)
  defer(() => database.drop())
  say('generating payments, hotels and bookings, complaints and payouts in SQL, then VACUUM ANALYZE')
  const payments = await generateData(database.client, options.payments, today)
  const bookings = await generateBookingData(database.client, BENCH_HOTELS, today)
  const complaints = await generateComplaintData(
    database.client,
    Math.round(options.payments * COMPLAINTS_PER_PAYMENT),
    today,
  )
  say(
    `  ${payments.payments} payments, ${payments.anticipations} anticipations, ${bookings.bookings} bookings, ${complaints.complaints} complaints, ${complaints.payouts} payouts`,
  )
  const server = await startServer(database.url, options.poolSize, options.tracing)
  defer(() => server.stop())
  const admin = await login(server.url, ADMIN_EMAIL, BENCH_PASSWORD)
  const supplier = await login(server.url, supplierEmail(1), BENCH_PASSWORD)
  const quiet = await waitForQuiet(options.maxLoad, options.maxWait, say)
  const uptimeBefore = uptime()
  say(`  ${uptimeBefore}`)

  const bench: Bench = { options: { ...options, connections: STATS_CONNECTIONS }, server, database, say }
  const scenarios: StatisticsPhase['scenarios'] = []
  for (const range of ranges(today)) {
    const endpoints: [string, string, string][] = [
      ['payables', '', admin],
      ['payables', '', supplier],
      ['complaints', '', admin],
      ['bookings', '', admin],
      ['bookings', 'page=50', admin],
      ['bookings', 'hotel=1', admin],
      ['bookings', 'format=csv', admin],
      ['payouts', '', admin],
    ]
    for (const [endpoint, filter, token] of endpoints) {
      const who = token === admin ? 'admin' : 'one supplier'
      const query = [range.query, filter].filter(Boolean).join('&')
      const path = `/api/stats/${endpoint}${query ? `?${query}` : ''}`
      const name = `GET /api/stats/${endpoint}${filter ? `?${filter}` : ''}, ${range.name}, ${who}`
      const scenario = fixed(name, path, token)
      scenarios.push({
        ...(await measure(bench, 'stats', scenario)),
        range: range.name,
        targetMs: range.targetMs,
      })
    }
  }
  const overview = fixed('GET /api/stats/overview', '/api/stats/overview', admin)
  scenarios.push({ ...(await measure(bench, 'stats', overview)), range: 'now', targetMs: 100 })
  const uptimeAfter = uptime()
  say(`  ${uptimeAfter}`)
  await server.stop()
  await database.drop()
  return {
    data: { payments, bookings, complaints },
    conditions: { uptimeBefore, uptimeAfter, quiet: quiet.quiet, waitedSeconds: quiet.waitedSeconds },
    scenarios,
  }
}

export function statisticsTable(phase: StatisticsPhase): string {
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'target p99 ms',
    'met',
    'non-2xx/errors',
    'CPU ms/req Bureau + PG',
  ]
  const rows = phase.scenarios.map((s) => [
    s.name,
    s.http.requestsPerSecond.toFixed(0),
    String(s.http.p50Ms),
    String(s.http.p99Ms),
    String(s.targetMs),
    s.http.requests > 0 && s.http.p99Ms <= s.targetMs && s.http.non2xx === 0 ? 'yes' : 'NO',
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
