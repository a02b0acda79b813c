import { batchPayments, bulkInsertPayments, type BulkInsertResult } from './bulk-insert.ts'
import { createBenchDatabase } from './database.ts'
import { measureImport, type ImportResult } from './import.ts'
import {
  availablePayments,
  BENCH_PASSWORD,
  generateData,
  OPERATOR_EMAIL,
  supplierIds,
  type DataSet,
} from './data.ts'
import { login, type Scenario, type ScenarioKind } from './load.ts'
import { uptime, waitForQuiet } from './machine.ts'
import type { BenchOptions } from './options.ts'
import { explainLists, measure, measureList, type Bench, type ScenarioResult } from './run-scenario.ts'
import {
  addDays,
  createPayment,
  deepCursor,
  listScenarios,
  logIn,
  paymentById,
  requestAnticipation,
  type Tokens,
} from './scenarios.ts'
import { startServer, type BenchServer } from './server.ts'

export interface Phase {
  payments: number
  data: DataSet
  conditions: { uptimeBefore: string; uptimeAfter: string; quiet: boolean; waitedSeconds: number }
  scenarios: ScenarioResult[]
  explain: { scenario: string; statement: string; plan: string }[]
  bulk?: BulkInsertResult
  imported?: ImportResult
}

/** Registers what must be undone whatever happens (server stopped, database dropped). */
export type Defer = (undo: () => Promise<void>) => void

/**
 * One data set, end to end: a fresh database with `payments` payments, Bureau on it, the scenarios
 * of the given kinds, EXPLAIN of the list SQL; then the server is stopped and the database dropped.
 */
export async function measurePhase(
  options: BenchOptions,
  payments: number,
  kinds: ReadonlySet<ScenarioKind>,
  say: (line: string) => void,
  defer: Defer,
): Promise<Phase> {
  const today = new Date().toISOString().slice(0, 10)
  say(`\n== ${payments.toLocaleString('en')} payments ==`)
  say(`creating database ${options.databaseName} and migrating it`)
  const database = await createBenchDatabase(options.adminUrl, options.databaseName)
  defer(() => database.drop())
  say('generating data in SQL (generate_series), then VACUUM ANALYZE')
  const data = await generateData(database.client, payments, today)
  say(
    `  ${data.payments} payments, ${data.anticipations} anticipations, ${data.logs} log rows in ${data.seconds.toFixed(1)} s`,
  )
  say(
    `starting Bureau (node src/main.ts serve, NODE_ENV=production, LOG_LEVEL=warn, tracing ${options.tracing ? 'on' : 'off'})`,
  )
  const server = await startServer(database.url, options.poolSize, options.tracing)
  defer(() => server.stop())
  // The import alone needs the operator only (and no logins to weigh on the server's memory).
  const onlyImport = kinds.size === 1 && kinds.has('import')
  const tokens = await logInEveryone(server, database.client, onlyImport)
  const quiet = await waitForQuiet(options.maxLoad, options.maxWait, say)
  const uptimeBefore = uptime()
  say(`  ${uptimeBefore}`)

  const bench: Bench = { options, server, database, say }
  const scenarios: ScenarioResult[] = []
  let explain: Phase['explain'] = []
  if (kinds.has('list')) {
    const lists = listScenarios(tokens, today)
    for (const scenario of lists) scenarios.push(await measureList(bench, scenario))
    const { rows } = await database.client.query<{ due_date: string; id: number }>(
      'select due_date, id from payments order by due_date, id offset 4989 limit 1',
    )
    if (rows[0]) scenarios.push(await measure(bench, 'list', deepCursor(tokens, rows[0])))
    explain = await explainLists(database, lists)
  }
  const limit = (options.warmup + options.duration) * 3_000
  const others: [ScenarioKind, () => Promise<Scenario>][] = [
    ['read', async () => paymentById(tokens, payments)],
    ['write', async () => createPayment(tokens, today, 'spread')],
    ['write', async () => createPayment(tokens, today, 'concentrated')],
    [
      'write',
      async () =>
        requestAnticipation(tokens, today, await availablePayments(database.client, today, limit), 'spread'),
    ],
    [
      'write',
      async () => {
        bulk = await measureBulkInsert(bench, tokens, today)
        const batch = await batchPayments(database.client, bulk, limit)
        return requestAnticipation(tokens, today, batch, 'concentrated')
      },
    ],
    ['login', async () => logIn(tokens.emails, BENCH_PASSWORD)],
  ]
  let bulk: BulkInsertResult | undefined
  for (const [kind, scenario] of others) {
    if (kinds.has(kind)) scenarios.push(await measure(bench, kind, await scenario()))
  }
  const imported = kinds.has('import') ? await runImport(bench, tokens.operator, today) : undefined
  const uptimeAfter = uptime()
  say(`  ${uptimeAfter}`)
  const exported = server.exported()
  if (exported)
    say(`  the collector stub received ${exported.requests} exports, ${exported.bytes} bytes of spans`)
  await server.stop()
  await database.drop()
  return {
    payments,
    data,
    conditions: { uptimeBefore, uptimeAfter, quiet: quiet.quiet, waitedSeconds: quiet.waitedSeconds },
    scenarios,
    explain,
    ...(bulk ? { bulk } : {}),
    ...(imported ? { imported } : {}),
  }
}

/** The ERP's file: `--import-rows` rows in one request, then the same file again. */
async function runImport(bench: Bench, operatorToken: string, today: string): Promise<ImportResult> {
  const { options, database, server, say } = bench
  say(`POST /api/payments/import of ${options.importRows} rows, then the same file again`)
  const result = await measureImport(database.client, server, operatorToken, {
    rows: options.importRows,
    today,
  })
  say(
    `  ${result.created} created in ${result.seconds.toFixed(2)} s (${(result.bytes / 1024 / 1024).toFixed(1)} MiB); again: ${result.resendSkipped} skipped in ${result.resendSeconds.toFixed(2)} s; CPU ${result.cpuSeconds.server.toFixed(1)} s server + ${result.cpuSeconds.postgres.toFixed(1)} s PostgreSQL; server RSS ${result.rssMbBefore.toFixed(0)} MB before (peak so far ${result.peakRssMbBefore.toFixed(0)} MB), peak ${result.peakRssMbAfter.toFixed(0)} MB after`,
  )
  return result
}

/** The month-end batch: one INSERT of `--bulk-payments` payments for one supplier, due in 60 days. */
async function measureBulkInsert(bench: Bench, tokens: Tokens, today: string): Promise<BulkInsertResult> {
  const { options, database, say } = bench
  const supplierId = Math.min(...tokens.suppliers.keys())
  say(`bulk INSERT of ${options.bulkPayments} payments (one supplier, one due date), in one statement`)
  const result = await bulkInsertPayments(database.client, {
    supplierId,
    today,
    dueDate: addDays(today, 60),
    payments: options.bulkPayments,
  })
  say(
    `  ${result.seconds.toFixed(2)} s; ${result.withoutCountTriggersSeconds.toFixed(2)} s with the count triggers (${result.countTriggers.join(', ')}) disabled`,
  )
  return result
}

async function logInEveryone(
  server: BenchServer,
  client: Parameters<typeof supplierIds>[0],
  operatorOnly: boolean,
): Promise<Tokens & { emails: string[] }> {
  const suppliers = operatorOnly ? new Map<string, number>() : await supplierIds(client)
  const emails = [...suppliers.keys()]
  const tokens: Tokens = {
    operator: await login(server.url, OPERATOR_EMAIL, BENCH_PASSWORD),
    suppliers: new Map(),
  }
  // A few at a time: each login is an argon2id verification on the server's thread pool.
  for (let start = 0; start < emails.length; start += 4) {
    await Promise.all(
      emails.slice(start, start + 4).map(async (email) => {
        tokens.suppliers.set(suppliers.get(email) ?? 0, await login(server.url, email, BENCH_PASSWORD))
      }),
    )
  }
  return { ...tokens, emails }
}
