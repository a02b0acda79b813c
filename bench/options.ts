import { parseArgs } from 'node:util'
import type { ScenarioKind } from './load.ts'

export interface BenchOptions {
  /** Admin connection to the PostgreSQL server; the bench database is created beside it. */
  adminUrl: string
  databaseName: string
  payments: number
  /** Seconds each scenario is measured (after its warm-up). */
  duration: number
  warmup: number
  connections: number
  /** Also run the list scenarios on 10 000 payments and compare. */
  scaleCheck: boolean
  scaleCheckPayments: number
  /** Wait (up to maxWait seconds) for the 1-minute load average to fall to this before measuring. */
  maxLoad: number
  maxWait: number
  skipPgbench: boolean
  poolSize: number
  /** Payments in the one-statement bulk INSERT (and for the concentrated anticipations). */
  bulkPayments: number
  /** Rows of the CSV file the import scenario sends. */
  importRows: number
  /** Movements of money (charges, refunds, payouts) the ledger scenarios read. */
  ledgerMovements: number
  /** Which kinds of scenario to run. */
  only: ReadonlySet<ScenarioKind>
  /** Run the server with tracing on, exporting to a local collector stub. */
  tracing: boolean
}

const KINDS: readonly ScenarioKind[] = [
  'list',
  'read',
  'write',
  'import',
  'login',
  'bookings',
  'ledger',
  'stats',
]

const USAGE = `Usage: npm run bench -- [options]

  --payments N            payments to generate (default 1000000; anticipations 30 %, logs 50 % of it)
  --duration S            seconds each scenario is measured (default 10)
  --warmup S              seconds of warm-up before each scenario (default 2)
  --connections N         concurrent connections for autocannon and pgbench (default 32)
  --scale-check           also measure the list scenarios on 10 000 payments and compare
  --scale-check-payments  the small data set of --scale-check (default 10000)
  --max-load L            before measuring, wait for the 1-minute load average to be <= L (default 1.5)
  --max-wait S            ... for at most S seconds, then measure anyway and say so (default 600)
  --pool-size N           DATABASE_POOL_SIZE of the server (default 10, Bureau's default)
  --bulk-payments N       payments in the one-statement bulk INSERT of one supplier's batch, which the
                          concentrated anticipations then use (default 100000)
  --import-rows N         rows of the CSV file POST /api/payments/import receives (default 100000)
  --ledger-movements N    movements of money the ledger scenarios read (default 1000000)
  --database NAME         the database to create and drop (default bureau_bench)
  --skip-pgbench          do not run the SQL ceiling with pgbench
  --only KINDS            only these kinds of scenario, comma-separated: list,read,write,import,login (supplier
                          payments), bookings (hotel search, room lists, booking; own data set), ledger
                          (ledger pages, summary, CSV export; own data set) and stats (every /api/stats
                          endpoint, 12 months and 5 years, 8 connections; payments, bookings, complaints
                          and payouts generated together) (default all)
  --tracing               run the server with OpenTelemetry tracing on, exporting (OTLP/HTTP) to a local
                          collector stub that accepts and discards the spans (default off)

Environment: BENCH_DATABASE_URL, the admin connection (default postgres://root@127.0.0.1:5432/postgres).
`

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      payments: { type: 'string', default: '1000000' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '32' },
      'scale-check': { type: 'boolean', default: false },
      'scale-check-payments': { type: 'string', default: '10000' },
      'max-load': { type: 'string', default: '1.5' },
      'max-wait': { type: 'string', default: '600' },
      'pool-size': { type: 'string', default: '10' },
      database: { type: 'string', default: 'bureau_bench' },
      'bulk-payments': { type: 'string', default: '100000' },
      'import-rows': { type: 'string', default: '100000' },
      'ledger-movements': { type: 'string', default: '1000000' },
      'skip-pgbench': { type: 'boolean', default: false },
      only: { type: 'string', default: KINDS.join(',') },
      tracing: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const database = values.database
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
    fail(`--database must be a plain identifier (got "${database}").`)
  return {
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres',
    databaseName: database,
    // Page 500 of 10 needs 4 991 payments.
    payments: whole('payments', values.payments, 5_000, 50_000_000),
    duration: whole('duration', values.duration, 1, 600),
    warmup: whole('warmup', values.warmup, 0, 60),
    connections: whole('connections', values.connections, 1, 256),
    scaleCheck: values['scale-check'],
    scaleCheckPayments: whole('scale-check-payments', values['scale-check-payments'], 5_000, 50_000_000),
    maxLoad: decimal('max-load', values['max-load']),
    maxWait: whole('max-wait', values['max-wait'], 0, 3600),
    skipPgbench: values['skip-pgbench'],
    poolSize: whole('pool-size', values['pool-size'], 1, 100),
    bulkPayments: whole('bulk-payments', values['bulk-payments'], 1_000, 10_000_000),
    importRows: whole('import-rows', values['import-rows'], 1, 100_000),
    ledgerMovements: whole('ledger-movements', values['ledger-movements'], 1_000, 50_000_000),
    only: kinds(values.only),
    tracing: values.tracing,
  }
}

function kinds(raw: string): ReadonlySet<ScenarioKind> {
  const names = raw.split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !(KINDS as readonly string[]).includes(name))
  if (unknown.length > 0 || names.length === 0) fail(`--only takes some of ${KINDS.join(', ')}.`)
  return new Set(names as ScenarioKind[])
}

function whole(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max)
    fail(`--${name} must be a whole number from ${min} to ${max}.`)
  return value
}

function decimal(name: string, raw: string): number {
  if (!/^\d+(\.\d+)?$/.test(raw)) fail(`--${name} must be a number such as 1.5.`)
  return Number(raw)
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(2)
}
