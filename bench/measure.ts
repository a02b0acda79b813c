import { createBenchDatabase } from './database.ts'
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
  createPayment,
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
  const tokens = await logInEveryone(server, database.client)
  const quiet = await waitForQuiet(options.maxLoad, options.maxWait, say)
  const uptimeBefore = uptime()
  say(`  ${uptimeBefore}`)

  const bench: Bench = { options, server, database, say }
  const scenarios: ScenarioResult[] = []
  let explain: Phase['explain'] = []
  if (kinds.has('list')) {
    const lists = listScenarios(tokens, today)
    for (const scenario of lists) scenarios.push(await measureList(bench, scenario))
    explain = await explainLists(database, lists)
  }
  const others: [ScenarioKind, () => Promise<Scenario>][] = [
    ['read', async () => paymentById(tokens, payments)],
    ['write', async () => createPayment(tokens, today)],
    [
      'write',
      async () => {
        const limit = (options.warmup + options.duration) * 3_000
        return requestAnticipation(tokens, today, await availablePayments(database.client, today, limit))
      },
    ],
    ['login', async () => logIn(tokens.emails, BENCH_PASSWORD)],
  ]
  for (const [kind, scenario] of others) {
    if (kinds.has(kind)) scenarios.push(await measure(bench, kind, await scenario()))
  }
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
  }
}

async function logInEveryone(
  server: BenchServer,
  client: Parameters<typeof supplierIds>[0],
): Promise<Tokens & { emails: string[] }> {
  const suppliers = await supplierIds(client)
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
