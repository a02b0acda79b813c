import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { PROJECT_ROOT } from '../helpers/processes.ts'
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp.ts'
import { startWiseServer, type WiseServer } from '../helpers/wise-server.ts'
import { readAccessLog, startNginx, writeNginxConfig, type AccessLogEntry } from './nginx.ts'
import { ManagedProc, until, type Proc } from './proc.ts'

export type { Proc } from './proc.ts'
export type { AccessLogEntry } from './nginx.ts'

/*
 * Bureau as it runs in production, on this machine: API processes (`node src/main.ts serve`) and
 * workers (`node src/main.ts worker`) on a PostgreSQL database and a Redis, Debian's nginx in front
 * of the APIs with deploy/nginx.conf, an SMTP capture server and a local Wise server standing in for
 * the outside world. Everything started is stopped by `stop()`, and also when the test process is
 * interrupted (SIGINT, SIGTERM) or exits without stopping it.
 */

export interface StackOptions {
  /** The database the processes use (e.g. from `freshDatabase`); they migrate it at start-up. */
  databaseUrl: string
  redisUrl: string
  /** API processes (default 2). */
  apis?: number
  /** Worker processes (default 2). */
  workers?: number
  /** nginx in front of the APIs (default true). */
  nginx?: boolean
  /** More environment for every Bureau process (wins over the stack's own). */
  env?: Record<string, string>
}

export interface Stack {
  /** Where clients go: nginx, or the first API process when `nginx: false`. */
  url: string
  apis: Proc[]
  workers: Proc[]
  smtp: SmtpCapture
  wise: WiseServer
  /** nginx itself, when it runs. */
  nginx: Proc | undefined
  /** nginx's access log so far (empty without nginx): which API (`upstream`) answered what. */
  accessLog(): AccessLogEntry[]
  /** The environment every Bureau process got (DATABASE_URL, REDIS_URL, REDIS_PREFIX, …). */
  env: Record<string, string>
  /** Stops everything it started; safe to call twice. */
  stop(): Promise<void>
}

/** What a stack has started so far; `stopping` once its stop began (nothing more is started then). */
interface Started {
  smtp?: SmtpCapture
  wise?: WiseServer
  procs: ManagedProc[]
  stopping: boolean
}

export const STACK_JWT_SECRET = 'scale-test-secret-that-is-long-enough-for-hs256-0123456789'
const MAIN = path.join(PROJECT_ROOT, 'src', 'main.ts')
const live = new Set<Stack>()
let interrupted = false

export async function startStack(options: StackOptions): Promise<Stack> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bureau-scale-'))
  recordForSweep('folders', path.basename(folder), folder)
  const started: Started = { procs: [], stopping: false }
  const stack: Stack & { folder: string } = {
    folder,
    url: '',
    apis: [],
    workers: [],
    nginx: undefined,
    env: {},
    accessLog: () => [],
    get smtp(): SmtpCapture {
      if (!started.smtp) throw new Error('The stack has no SMTP server yet')
      return started.smtp
    },
    get wise(): WiseServer {
      if (!started.wise) throw new Error('The stack has no Wise server yet')
      return started.wise
    },
    stop: once(() => {
      started.stopping = true
      return stopStack(stack, started, folder)
    }),
  }
  live.add(stack)
  stopStacksOnSignals()
  try {
    started.smtp = await startSmtpCapture()
    started.wise = await startWiseServer()
    await startProcesses(stack, started, options, folder)
  } catch (error) {
    await stack.stop()
    throw error
  }
  return stack
}

async function startProcesses(
  stack: Stack,
  started: Started,
  options: StackOptions,
  folder: string,
): Promise<void> {
  const apiPorts = await Promise.all(Array.from({ length: options.apis ?? 2 }, () => freePort()))
  const useNginx = options.nginx ?? true
  const nginxPort = useNginx ? await freePort() : undefined
  stack.url = `http://127.0.0.1:${nginxPort ?? apiPorts[0] ?? 0}`
  const dataDir = path.join(folder, 'data')
  mkdirSync(dataDir)
  stack.env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PUBLIC_URL: stack.url,
    // One DATA_DIR for every process, as a shared volume: local files written by one API are read by the others.
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: `bureau-scale:${randomBytes(6).toString('hex')}:`,
    JWT_SECRET: STACK_JWT_SECRET,
    TRUST_PROXY: 'true',
    SMTP_URL: stack.smtp.url,
    PAYOUT_PROVIDER: 'wise',
    WISE_API_TOKEN: stack.wise.token,
    WISE_BASE_URL: stack.wise.url,
    METRICS_PORT: '0',
    SHUTDOWN_TIMEOUT: '20s',
    ...options.env,
  }
  // The first process applies the migrations (the others would wait for its lock anyway).
  const [firstPort, ...otherPorts] = apiPorts
  const first =
    firstPort === undefined ? undefined : await startBureau(stack.env, 'serve', 'api-1', firstPort, started)
  const others = await Promise.all([
    ...otherPorts.map((port, index) => startBureau(stack.env, 'serve', `api-${index + 2}`, port, started)),
    ...Array.from({ length: options.workers ?? 2 }, (_, index) =>
      startBureau(stack.env, 'worker', `worker-${index + 1}`, undefined, started),
    ),
  ])
  stack.apis = [...(first ? [first] : []), ...others.filter((proc) => proc.name.startsWith('api-'))]
  stack.workers = others.filter((proc) => proc.name.startsWith('worker-'))
  if (nginxPort === undefined) return
  const nginxFolder = path.join(folder, 'nginx')
  mkdirSync(nginxFolder)
  const site = {
    folder: nginxFolder,
    port: nginxPort,
    upstreams: apiPorts.map((port) => `127.0.0.1:${port}`),
  }
  const files = writeNginxConfig(site)
  if (started.stopping) throw new Error('The stack is stopping: nginx is not started')
  const nginx = await startNginx(site, files, (spawned) => {
    if (!started.procs.includes(spawned)) started.procs.push(spawned)
  })
  stack.nginx = nginx
  stack.accessLog = () => readAccessLog(files.accessLog)
}

async function startBureau(
  env: Record<string, string>,
  command: 'serve' | 'worker',
  name: string,
  port: number | undefined,
  started: Started,
): Promise<ManagedProc> {
  if (started.stopping) throw new Error(`The stack is stopping: ${name} is not started`)
  const url = port === undefined ? undefined : `http://127.0.0.1:${port}`
  const proc = await ManagedProc.start({
    name,
    command: process.execPath,
    args: ['--max-semi-space-size=16', MAIN, command],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...(port ? { PORT: String(port) } : {}) },
    cwd: PROJECT_ROOT,
    ...(url ? { url } : {}),
    spawned: (spawned) => {
      if (!started.procs.includes(spawned)) started.procs.push(spawned)
    },
    ready: (output, stop) =>
      until(async () => {
        if (!output().includes('Bureau is ready')) return false
        if (!url) return true
        try {
          return (await fetch(`${url}/health`)).ok
        } catch {
          return false
        }
      }, stop),
  })
  return proc
}

async function stopStack(stack: Stack, started: Started, folder: string): Promise<void> {
  // nginx first, so no new request reaches an API that is stopping.
  const nginx = started.procs.filter((proc) => proc.name === 'nginx')
  // Interrupted, nobody waits for graceful stops (the services they would finish with may be gone).
  const graceMs = interrupted ? 2000 : 15_000
  await Promise.all(nginx.map((proc) => proc.stop(Math.min(graceMs, 5000))))
  await Promise.all(started.procs.filter((proc) => proc.name !== 'nginx').map((proc) => proc.stop(graceMs)))
  await started.smtp?.close()
  await started.wise?.close()
  if (stack.env.REDIS_URL && stack.env.REDIS_PREFIX) {
    await forgetRedisKeys(stack.env.REDIS_URL, stack.env.REDIS_PREFIX).catch(() => undefined)
  }
  rmSync(folder, { recursive: true, force: true })
  forgetForSweep('folders', path.basename(folder))
  live.delete(stack)
}

/** Deletes the stack's keys (its own REDIS_PREFIX), so runs leave nothing behind in a shared Redis. */
async function forgetRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

export interface FreshDatabase {
  url: string
  name: string
  /** Drops the database (forcing its connections closed). */
  drop(): Promise<void>
}

/** A new, empty database on the PostgreSQL server of `serverUrl`; drop it when done. */
export async function freshDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `bureau_scale_${randomBytes(6).toString('hex')}`
  // Noted first: a test file killed right after the creation still leaves it to the runner's sweep.
  recordForSweep('databases', name, serverUrl)
  await admin(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    drop: once(async () => {
      await admin(serverUrl, `drop database if exists ${name} with (force)`)
      forgetForSweep('databases', name)
    }),
  }
}

/*
 * What a test file leaves behind when it dies before stopping it (SIGKILL, the runner's bound) is
 * noted under SCALE_RUN_DIR, and the runner removes it: databases, and the stacks' folders.
 */
function recordForSweep(kind: 'databases' | 'folders', name: string, content: string): void {
  const runDir = process.env.SCALE_RUN_DIR
  if (!runDir) return
  mkdirSync(path.join(runDir, kind), { recursive: true })
  writeFileSync(path.join(runDir, kind, name), content)
}

function forgetForSweep(kind: 'databases' | 'folders', name: string): void {
  const runDir = process.env.SCALE_RUN_DIR
  if (runDir) rmSync(path.join(runDir, kind, name), { force: true })
}

export async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** The shared servers the scale tests run on: the runner's TEST_DATABASE_URL and TEST_REDIS_URL. */
export function services(): { databaseServerUrl: string; redisUrl: string } {
  return {
    databaseServerUrl: process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test',
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  }
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
  return port
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => (running ??= action())
}

/** Ctrl-C or a SIGTERM to the test: every live stack is stopped before the process exits. */
function stopAllAndExit(signal: NodeJS.Signals): void {
  interrupted = true
  const force = setTimeout(() => process.exit(130), 30_000)
  force.unref()
  void Promise.allSettled([...live].map((stack) => stack.stop())).then(() => {
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}
let handlingSignals = false
/** Installed by the first stack, so a process that only imports this file (the runner) keeps its own. */
function stopStacksOnSignals(): void {
  if (handlingSignals) return
  handlingSignals = true
  process.once('SIGINT', stopAllAndExit)
  process.once('SIGTERM', stopAllAndExit)
}
