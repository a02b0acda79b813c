import { cpuSince, snapshot, type CpuPerRequest } from './cpu.ts'
import type { BenchDatabase } from './database.ts'
import { pgbenchScript, withValues } from './list-sql.ts'
import { drive, probe, type LoadResult, type Scenario, type ScenarioKind } from './load.ts'
import type { BenchOptions } from './options.ts'
import { captureStatements, runPgbench, wasSeen, type PgbenchResult } from './pgbench.ts'
import type { ListScenario } from './scenarios.ts'
import type { BenchServer } from './server.ts'

export interface ScenarioResult {
  name: string
  kind: ScenarioKind
  http: LoadResult
  /** CPU time per request of the measured run (steadier than req/s when others share the machine). */
  cpu: CpuPerRequest
  pgbench?: PgbenchResult
  /** Endpoint req/s ÷ pgbench transactions/s (one transaction = the endpoint's SQL). */
  ratio?: number
  /** Whether the statements given to pgbench were seen, word for word, on the server's connections. */
  sqlVerified?: boolean
  unseenStatements?: string[]
}

/** What every scenario runs against. */
export interface Bench {
  options: BenchOptions
  server: BenchServer
  database: BenchDatabase
  say: (line: string) => void
}

/** A probe (must answer 2xx), a warm-up, then the measured run with the CPU it cost. */
export async function measure(bench: Bench, kind: ScenarioKind, scenario: Scenario): Promise<ScenarioResult> {
  const { options, server, database, say } = bench
  say(`${scenario.name}: ${options.warmup} s warm-up, ${options.duration} s measured`)
  await probe(server.url, scenario)
  const connections = options.connections
  // Limited scenarios keep a margin: each connection builds one request ahead of sending it.
  const budget = () => (scenario.remaining ? scenario.remaining() - 2 * connections : undefined)
  const warmupBudget = budget()
  if (warmupBudget !== undefined && warmupBudget < 10 * connections) {
    throw new Error(`${scenario.name}: only ${warmupBudget} distinct requests available.`)
  }
  if (options.warmup > 0) {
    await drive(server.url, scenario, {
      connections,
      seconds: options.warmup,
      ...(warmupBudget === undefined ? {} : { maxRequests: Math.floor(warmupBudget / 5) }),
    })
  }
  const measuredBudget = budget()
  const before = await snapshot(database.client, server.pid)
  const http = await drive(server.url, scenario, {
    connections,
    seconds: options.duration,
    ...(measuredBudget === undefined ? {} : { maxRequests: measuredBudget }),
  })
  const cpu = await cpuSince(database.client, server.pid, before, http.requests)
  say(
    `  ${http.requestsPerSecond.toFixed(0)} req/s, p50 ${http.p50Ms} ms, p99 ${http.p99Ms} ms, non-2xx ${http.non2xx}, errors ${http.errors}${http.exhausted ? ' (ran out of eligible payments)' : ''}`,
  )
  say(
    `  CPU per request: Bureau ${cpu.serverMs.toFixed(2)} ms, PostgreSQL ${cpu.postgresMs.toFixed(2)} ms, autocannon ${cpu.loadGeneratorMs.toFixed(2)} ms`,
  )
  return { name: scenario.name, kind, http, cpu }
}

/** A list scenario, then the same SQL under pgbench, after checking the server really runs that SQL. */
export async function measureList(bench: Bench, scenario: ListScenario): Promise<ScenarioResult> {
  const { options, database, say } = bench
  const { result, statements } = await captureStatements(database.client, measure(bench, 'list', scenario))
  const unseen = scenario.sql.statements.map((s) => s.text).filter((text) => !wasSeen(text, statements))
  say(
    unseen.length === 0
      ? '  the server ran the same SQL pgbench runs (seen in pg_stat_activity)'
      : `  WARNING: the server was not seen running the pgbench SQL (bench/list-sql.ts out of date?):\n    ${unseen.join('\n    ')}`,
  )
  const checked = { ...result, sqlVerified: unseen.length === 0, unseenStatements: unseen }
  if (options.skipPgbench) return checked
  say(`  pgbench -M prepared -c ${options.connections} -j 2 -T ${options.duration} (the endpoint's SQL)`)
  const pgbench = await runPgbench(
    database.url,
    pgbenchScript(scenario.sql.statements, scenario.sql.prelude),
    { clients: options.connections, duration: options.duration, defines: scenario.sql.defines },
  )
  const ratio = pgbench.tps > 0 ? result.http.requestsPerSecond / pgbench.tps : 0
  say(
    `  ${pgbench.tps.toFixed(0)} tps, p50 ${pgbench.p50Ms.toFixed(1)} ms, p99 ${pgbench.p99Ms.toFixed(1)} ms; endpoint/pgbench ${(ratio * 100).toFixed(0)} %`,
  )
  return { ...checked, pgbench, ratio }
}

/** EXPLAIN (ANALYZE, BUFFERS) of each statement of each list scenario, with the scenario's values. */
export async function explainLists(
  database: BenchDatabase,
  lists: ListScenario[],
): Promise<{ scenario: string; statement: string; plan: string }[]> {
  const plans: { scenario: string; statement: string; plan: string }[] = []
  for (const scenario of lists) {
    for (const statement of scenario.sql.statements) {
      const sql = withValues(statement, scenario.explainValues)
      const { rows } = await database.client.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${sql}`,
      )
      plans.push({
        scenario: scenario.name,
        statement: sql,
        plan: rows.map((row) => row['QUERY PLAN']).join('\n'),
      })
    }
  }
  return plans
}
