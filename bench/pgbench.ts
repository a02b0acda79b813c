import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import { percentile } from './stats.ts'

export interface PgbenchResult {
  tps: number
  transactions: number
  failed: number
  latencyAverageMs: number
  p50Ms: number
  p99Ms: number
}

/**
 * Runs a script with `pgbench -M prepared` (the database's own ceiling for that SQL: no HTTP, no
 * driver, no JSON), with `clients` connections on 2 threads for `duration` seconds. Per-transaction
 * logs give the percentiles.
 */
export async function runPgbench(
  databaseUrl: string,
  script: string,
  options: { clients: number; duration: number; defines: Record<string, string | number> },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bureau-pgbench-'))
  try {
    const file = path.join(dir, 'script.sql')
    writeFileSync(file, script)
    const url = new URL(databaseUrl)
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(options.clients),
      '-j',
      String(Math.min(2, options.clients)),
      '-T',
      String(options.duration),
      '-l',
      `--log-prefix=${path.join(dir, 'log')}`,
      '-f',
      file,
      ...Object.entries(options.defines).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
    ]
    const output = await run('pgbench', args, (options.duration + 60) * 1000, {
      ...process.env,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username) || 'postgres',
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: url.pathname.slice(1),
    })
    const latencies = readdirSync(dir)
      .filter((name) => name.startsWith('log'))
      .flatMap((name) => readFileSync(path.join(dir, name), 'utf8').split('\n'))
      .map((line) => Number(line.split(' ')[2]) / 1000)
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b)
    return {
      tps: number(/tps = ([\d.]+)/, output),
      transactions: number(/number of transactions actually processed: (\d+)/, output),
      failed: /number of failed transactions: (\d+)/.test(output)
        ? number(/number of failed transactions: (\d+)/, output)
        : 0,
      latencyAverageMs: number(/latency average = ([\d.]+) ms/, output),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function number(pattern: RegExp, output: string): number {
  const match = pattern.exec(output)
  if (!match?.[1]) throw new Error(`pgbench printed no ${pattern.source}:\n${output}`)
  return Number(match[1])
}

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    // pgbench stops by itself after -T seconds; this is for a bench that exits first (Ctrl-C).
    const killOnExit = () => child.kill('SIGKILL')
    process.once('exit', killOnExit)
    child.once('error', (error) => {
      clearTimeout(timer)
      process.off('exit', killOnExit)
      reject(error)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      process.off('exit', killOnExit)
      if (code === 0) resolve(output)
      else reject(new Error(`${command} exited with ${signal ?? String(code)}:\n${output}`))
    })
  })
}

/** Statements seen on the server's connections; long ones only as far as PostgreSQL shows them. */
export interface SeenStatements {
  whole: Set<string>
  /** Statements cut at `track_activity_query_size`: only their beginning is known. */
  truncated: Set<string>
}

/** Whether `text` was seen, whole or as far as pg_stat_activity shows it. */
export function wasSeen(text: string, seen: SeenStatements): boolean {
  return seen.whole.has(text) || [...seen.truncated].some((start) => text.startsWith(start))
}

/**
 * Samples what the server's connections (application_name 'bureau') run while `during` runs: the
 * statements of the endpoint under load, to check the SQL given to pgbench is the same.
 */
export async function captureStatements<T>(
  client: pg.Client,
  during: Promise<T>,
): Promise<{ result: T; statements: SeenStatements }> {
  const statements: SeenStatements = { whole: new Set(), truncated: new Set() }
  const done = new AbortController()
  const sampling = (async () => {
    while (!done.signal.aborted) {
      const { rows } = await client.query<{ query: string; truncated: boolean }>(
        `select query,
                octet_length(query) >= (select setting::int - 1 from pg_settings where name = 'track_activity_query_size') as truncated
         from pg_stat_activity
         where datname = current_database() and application_name = 'bureau' and query <> ''`,
      )
      for (const row of rows) (row.truncated ? statements.truncated : statements.whole).add(row.query)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })().catch(() => undefined) // a failed sample only means fewer statements seen: the check then says so
  try {
    return { result: await during, statements }
  } finally {
    done.abort()
    await sampling
  }
}
