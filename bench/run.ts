/**
 * `npm run bench`: supplier payments, hotel bookings and the ledger under load on the local PostgreSQL. See bench/README.md.
 * Creates its own database and server, and removes both at the end, also on failure or Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { bookingsTable, measureBookings } from './bookings.ts'
import { ledgerTable, measureLedger } from './ledger.ts'
import { describeMachine, uptime } from './machine.ts'
import { measurePhase, type Phase } from './measure.ts'
import { parseOptions, type BenchOptions } from './options.ts'
import { checkTargets, resultsTable, scaleTable, targetsTable } from './report.ts'
import { measureStatistics, statisticsTable } from './statistics.ts'

/** Nothing the bench starts may outlive this, whatever hangs. */
const WATCHDOG_MS = 90 * 60_000

const say = (line: string) => {
  process.stdout.write(`${line}\n`)
}

const undo: (() => Promise<void>)[] = []

async function cleanUp(): Promise<void> {
  while (undo.length > 0) {
    const step = undo.pop()
    await step?.().catch((error: unknown) => {
      console.error('cleanup step failed:', error)
    })
  }
}

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date().toISOString()
  const machine = describeMachine()
  const postgres = await postgresVersion(options.adminUrl)
  const uptimeAtStart = uptime()
  say(
    `Bureau bench: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${postgres}`,
  )
  say(uptimeAtStart)
  const defer = (step: () => Promise<void>) => {
    undo.push(step)
  }
  const paymentKinds = new Set(
    [...options.only].filter((kind) => kind !== 'bookings' && kind !== 'ledger' && kind !== 'stats'),
  )
  const small =
    options.scaleCheck && paymentKinds.has('list')
      ? await measurePhase(options, options.scaleCheckPayments, new Set(['list']), say, defer)
      : undefined
  const large =
    paymentKinds.size > 0
      ? await measurePhase(options, options.payments, paymentKinds, say, defer)
      : undefined
  const bookings = options.only.has('bookings') ? await measureBookings(options, say, defer) : undefined
  const ledger = options.only.has('ledger') ? await measureLedger(options, say, defer) : undefined
  const statistics = options.only.has('stats') ? await measureStatistics(options, say, defer) : undefined
  const uptimeAtEnd = uptime()
  const checks = large ? checkTargets(large, small) : []

  if (large) {
    say(
      `\nResults at ${large.payments.toLocaleString('en')} payments, ${options.connections} connections, ${options.duration} s each:\n`,
    )
    say(resultsTable(large))
    if (small)
      say(
        `\nThe list scenarios at ${small.payments.toLocaleString('en')} and ${large.payments.toLocaleString('en')} payments:\n\n${scaleTable(small, large)}`,
      )
    say(`\nTargets:\n\n${targetsTable(checks)}`)
  }
  if (bookings) {
    say(`\nHotel bookings, ${options.connections} connections, ${options.duration} s each:\n`)
    say(bookingsTable(bookings))
  }
  if (ledger) {
    say(`\nLedger, ${options.connections} connections, ${options.duration} s each:\n`)
    say(ledgerTable(ledger))
  }
  if (statistics) {
    say(
      `\nStatistics at ${options.payments.toLocaleString('en')} payments, 8 connections, ${options.duration} s each:\n`,
    )
    say(statisticsTable(statistics))
  }
  say(`\n${uptimeAtEnd}`)

  const file = writeResults({
    startedAt,
    options: { ...options, only: [...options.only], adminUrl: redact(options.adminUrl) },
    machine: { ...machine, postgres, uptimeAtStart, uptimeAtEnd },
    phases: [small, large].filter((phase): phase is Phase => phase !== undefined),
    targets: checks,
    ...(bookings ? { bookings } : {}),
    ...(ledger ? { ledger } : {}),
    ...(statistics ? { statistics } : {}),
  })
  say(`\nWritten to ${file}`)
}

async function postgresVersion(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version')
    return rows[0]?.server_version ?? 'unknown'
  } finally {
    await client.end()
  }
}

/** bench/results/<timestamp>.json (.prettierignore leaves that folder alone). */
function writeResults(results: object): string {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  return path.relative(process.cwd(), file)
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

const options = parseOptions(process.argv.slice(2))
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    say(`\n${signal}: stopping the server and dropping the database`)
    void cleanUp().finally(() => process.exit(130))
  })
}
const watchdog = setTimeout(() => {
  console.error(`The bench ran for more than ${WATCHDOG_MS / 60_000} minutes: giving up.`)
  void cleanUp().finally(() => process.exit(1))
}, WATCHDOG_MS)
watchdog.unref()

try {
  await main(options)
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await cleanUp()
}
// autocannon and pg leave nothing behind, but a bench must never hang at the end.
setTimeout(() => process.exit(), 1_000).unref()
