import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startCollectorStub, type CollectorStub } from './collector.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const READY_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 15_000

export interface BenchServer {
  url: string
  pid: number
  /** The last lines the server wrote (it logs at warn: normally nothing). */
  output(): string
  /** What the collector stub received, when tracing. */
  exported(): { requests: number; bytes: number } | undefined
  stop(): Promise<void>
}

/**
 * Starts Bureau as production would run it (`npm run serve`: the telemetry hook, then
 * `src/main.ts serve`, NODE_ENV=production, warn-level logs) on a free port of 127.0.0.1, and waits
 * until /ready answers. With `tracing`, spans are exported to a local collector stub.
 */
export async function startServer(
  databaseUrl: string,
  poolSize: number,
  tracing = false,
): Promise<BenchServer> {
  const port = await freePort()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bureau-bench-'))
  const collector: CollectorStub | undefined = tracing ? await startCollectorStub() : undefined
  const args = [
    '--max-semi-space-size=16',
    '--import',
    './src/platform/telemetry/instrument.ts',
    'src/main.ts',
    'serve',
  ]
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      // Tokens must outlive the whole run; login itself is a scenario, so it must not be throttled.
      JWT_ACCESS_TTL: '2h',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
      BUSINESS_TIMEZONE: 'UTC',
      LOG_LEVEL: 'warn',
      // Served as in production, on a port of its own that no other process holds.
      METRICS_PORT: '0',
      ...(collector ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } : {}),
    },
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  // The normal path stops the server gracefully; this is for a bench that exits without doing so.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      process.off('exit', killOnExit)
      resolve()
    })
  })
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    await stopChild(child, exited)
    await collector?.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await waitUntilReady(url, child)
  } catch (error) {
    await stop()
    throw new Error(`Bureau did not start: ${(error as Error).message}\n${output}`, { cause: error })
  }
  return { url, pid: child.pid ?? 0, output: () => output, exported: () => collector?.received(), stop }
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`)
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`/ready did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`)
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('No free port.'))
      })
    })
  })
}
