import { readFileSync } from 'node:fs'
import type pg from 'pg'
import { encodeCursor } from '../src/modules/billing/index.ts'
import { createBenchDatabase } from './database.ts'
import { BENCH_PASSWORD } from './data.ts'
import { FINANCE_EMAIL, generateLedgerData, type LedgerDataSet } from './ledger-data.ts'
import { explainLedgerPages, type PlanOfStatement } from './ledger-explain.ts'
import { login, type Scenario } from './load.ts'
import { uptime, waitForQuiet } from './machine.ts'
import type { Defer } from './measure.ts'
import type { BenchOptions } from './options.ts'
import { measure, type Bench, type ScenarioResult } from './run-scenario.ts'
import { startServer, type BenchServer } from './server.ts'

export interface CsvExport {
  rows: number
  bytes: number
  seconds: number
  /** The server's resident memory before the export, and its peak (sampled, and VmHWM) during it. */
  rssBeforeMiB: number
  rssPeakMiB: number
  hwmBeforeMiB: number
  hwmAfterMiB: number
}

export interface LedgerPhase {
  data: LedgerDataSet
  conditions: { uptimeBefore: string; uptimeAfter: string; quiet: boolean; waitedSeconds: number }
  scenarios: ScenarioResult[]
  /** EXPLAIN (ANALYZE, BUFFERS) of the page SQL, on the quiet server after the scenarios. */
  plans: PlanOfStatement[]
  /** The same export twice in a row: a second peak no higher than the first says memory stays flat. */
  csv: CsvExport[]
}

/** Random pages among the first 100 of the whole ledger (10 movements each, newest first). */
function pagesScenario(token: string): Scenario {
  return {
    name: 'GET /api/ledger?page=1..100 (whole ledger)',
    method: 'GET',
    next: () => ({
      path: `/api/ledger?page=${1 + Math.floor(Math.random() * 100)}`,
      headers: { authorization: `Bearer ${token}` },
    }),
  }
}

/**
 * Cursors spread over the whole ledger (a booking payment of every 3 000th charge and every 1 000th
 * payout), built the way the ledger builds them from a movement's place in its order.
 */
async function deepCursors(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ at_micros: string; id: number; source: number }>(
    `select (extract(epoch from paid_at) * 1000000)::bigint::text as at_micros, id, 1 as source
     from charges where paid_at is not null and id % 3000 = 0
     union all
     select (extract(epoch from created_at) * 1000000)::bigint::text, id, 3 from payouts where id % 1000 = 0`,
  )
  return rows.map((row) => encodeCursor({ atMicros: row.at_micros, id: row.id, source: row.source }))
}

/** A page of 10 after a random cursor anywhere in the whole ledger, up to 1 000 000 movements deep. */
function cursorScenario(token: string, cursors: string[]): Scenario {
  return {
    name: 'GET /api/ledger?cursor= (deep pages, whole ledger)',
    method: 'GET',
    next: () => ({
      path: `/api/ledger?cursor=${cursors[Math.floor(Math.random() * cursors.length)]}`,
      headers: { authorization: `Bearer ${token}` },
    }),
  }
}

/** One kind over one month in the past year, first page. */
function filteredScenario(token: string, today: string): Scenario {
  const kinds = ['booking_payment', 'booking_refund', 'complaint_refund', 'early_payment']
  let next = 0
  return {
    name: 'GET /api/ledger?kind=&from=&to= (one kind, one month)',
    method: 'GET',
    next: () => {
      const i = next++
      const month = new Date(`${today}T00:00:00Z`)
      month.setUTCMonth(month.getUTCMonth() - 1 - (i % 12), 1)
      const from = month.toISOString().slice(0, 10)
      month.setUTCMonth(month.getUTCMonth() + 1, 0)
      const to = month.toISOString().slice(0, 10)
      return {
        path: `/api/ledger?kind=${kinds[i % kinds.length]}&from=${from}&to=${to}`,
        headers: { authorization: `Bearer ${token}` },
      }
    },
  }
}

function summaryScenario(token: string, name: string, query: string): Scenario {
  return {
    name,
    method: 'GET',
    next: () => ({ path: `/api/ledger/summary${query}`, headers: { authorization: `Bearer ${token}` } }),
  }
}

/** kB → MiB of a line of /proc/<pid>/status (VmRSS, VmHWM). */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${field}:`))
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024
}

/**
 * Downloads the whole ledger as CSV once, reading the body as it streams (nothing kept), while the
 * server's resident memory is sampled every 50 ms; VmHWM before and after gives the kernel's own peak.
 */
async function exportCsv(server: BenchServer, token: string): Promise<CsvExport> {
  const rssBeforeMiB = memoryOf(server.pid, 'VmRSS')
  const hwmBeforeMiB = memoryOf(server.pid, 'VmHWM')
  let rssPeakMiB = rssBeforeMiB
  const sampler = setInterval(() => {
    rssPeakMiB = Math.max(rssPeakMiB, memoryOf(server.pid, 'VmRSS'))
  }, 50)
  const started = performance.now()
  try {
    const response = await fetch(`${server.url}/api/ledger?format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    })
    if (!response.ok || !response.body) throw new Error(`CSV export answered ${response.status}`)
    let bytes = 0
    let newlines = 0
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength
      for (const byte of chunk) if (byte === 10) newlines += 1
    }
    return {
      rows: newlines - 1,
      bytes,
      seconds: (performance.now() - started) / 1000,
      rssBeforeMiB,
      rssPeakMiB,
      hwmBeforeMiB,
      hwmAfterMiB: memoryOf(server.pid, 'VmHWM'),
    }
  } finally {
    clearInterval(sampler)
  }
}

/**
 * The ledger: `--ledger-movements` charges, refunds and payouts generated in SQL, Bureau on them, its
 * pages, a filtered page and the summary under load, then one CSV export of every movement with the
 * server's memory watched.
 */
export async function measureLedger(
  options: BenchOptions,
  say: (line: string) => void,
  defer: Defer,
): Promise<LedgerPhase> {
  const today = new Date().toISOString().slice(0, 10)
  say(`\n== ledger: ${options.ledgerMovements.toLocaleString('en')} movements ==`)
  const database = await createBenchDatabase(options.adminUrl, options.databaseName)
  defer(() => database.drop())
  say('generating charges, refunds and payouts in SQL, then VACUUM ANALYZE')
  const data = await generateLedgerData(database.client, options.ledgerMovements, today)
  say(
    `  ${data.charges} charges, ${data.refunds} refunds, ${data.payouts} payouts, ${data.seconds.toFixed(1)} s`,
  )
  const server = await startServer(database.url, options.poolSize, options.tracing)
  defer(() => server.stop())
  const token = await login(server.url, FINANCE_EMAIL, BENCH_PASSWORD)
  const quiet = await waitForQuiet(options.maxLoad, options.maxWait, say)
  const uptimeBefore = uptime()
  say(`  ${uptimeBefore}`)
  const bench: Bench = { options, server, database, say }
  const scenarios: ScenarioResult[] = []
  const cursors = await deepCursors(database.client)
  for (const scenario of [
    pagesScenario(token),
    cursorScenario(token, cursors),
    filteredScenario(token, today),
    summaryScenario(token, 'GET /api/ledger/summary (whole ledger)', ''),
    summaryScenario(token, 'GET /api/ledger/summary?from=&to= (one month)', monthQuery(today)),
  ]) {
    scenarios.push(await measure(bench, 'ledger', scenario))
  }
  say('EXPLAIN (ANALYZE, BUFFERS) of the page SQL: page 1, page 100, a deep cursor')
  const plans = await explainLedgerPages(database.url, database.client, cursors[0] ?? '')
  for (const plan of plans) {
    say(
      `  ${plan.page}, ${plan.statement}: ${plan.executionMs.toFixed(2)} ms, shared hit ${plan.sharedHit}, read ${plan.sharedRead}`,
    )
    say(plan.plan.replace(/^/gm, '    '))
  }
  say('GET /api/ledger?format=csv (every movement) twice, memory of the server sampled every 50 ms')
  const csv: CsvExport[] = []
  for (const run of [1, 2]) {
    const exported = await exportCsv(server, token)
    csv.push(exported)
    say(`  export ${run}: ${csvLine(exported)}`)
  }
  const uptimeAfter = uptime()
  await server.stop()
  await database.drop()
  return {
    data,
    conditions: { uptimeBefore, uptimeAfter, quiet: quiet.quiet, waitedSeconds: quiet.waitedSeconds },
    scenarios,
    plans,
    csv,
  }
}

function monthQuery(today: string): string {
  const month = new Date(`${today}T00:00:00Z`)
  month.setUTCMonth(month.getUTCMonth() - 1, 1)
  const from = month.toISOString().slice(0, 10)
  month.setUTCMonth(month.getUTCMonth() + 1, 0)
  return `?from=${from}&to=${month.toISOString().slice(0, 10)}`
}

export function ledgerTable(phase: LedgerPhase): string {
  const header = ['scenario', 'movements', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx/errors']
  const rows = phase.scenarios.map((s) => [
    s.name,
    phase.data.movements.toLocaleString('en'),
    s.http.requestsPerSecond.toFixed(0),
    String(s.http.p50Ms),
    String(s.http.p99Ms),
    String(s.http.requests),
    `${s.http.non2xx}/${s.http.errors}`,
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  const { csv } = phase
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    ...phase.plans.map(
      (plan) =>
        `EXPLAIN ${plan.page}, ${plan.statement}: ${plan.executionMs.toFixed(2)} ms, shared hit ${plan.sharedHit}, read ${plan.sharedRead}`,
    ),
    ...csv.map((exported, run) => `CSV export ${run + 1}: ${csvLine(exported)}`),
  ].join('\n')
}

function csvLine(csv: CsvExport): string {
  return `${csv.rows.toLocaleString('en')} rows, ${(csv.bytes / 1024 / 1024).toFixed(1)} MiB in ${csv.seconds.toFixed(1)} s; server RSS ${csv.rssBeforeMiB.toFixed(0)} MiB before, peak ${csv.rssPeakMiB.toFixed(0)} MiB (VmHWM ${csv.hwmBeforeMiB.toFixed(0)} → ${csv.hwmAfterMiB.toFixed(0)} MiB)`
}
