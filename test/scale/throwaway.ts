import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'

/**
 * A PostgreSQL cluster and a Redis server that a test owns outright: its own folder and port, stopped
 * and restarted at will, and removed afterwards — never the machine's shared servers, which other
 * tests and people use. Everything started here is also stopped when the process exits, however it
 * exits (a failed assertion, Ctrl-C).
 */

const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin'
/** PostgreSQL refuses to run as root; the cluster then belongs to this account. */
const POSTGRES_ACCOUNT = 'postgres'

export interface ThrowawayPostgres {
  readonly port: number
  /** A connection URL for `database` (default `postgres`) as the cluster's superuser. */
  url(database?: string): string
  /** Stops the server: `fast` ends sessions and rolls back open transactions, as a restart does. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  start(): Promise<void>
  /** The server's log so far (for a failure message). */
  log(): string
  /** Stops the server and deletes its folder. */
  remove(): Promise<void>
}

export interface ThrowawayRedis {
  readonly port: number
  readonly url: string
  stop(): Promise<void>
  start(): Promise<void>
  remove(): Promise<void>
}

/** Synchronous undo steps, newest first, run on exit (async work cannot run in an 'exit' handler). */
const cleanups = new Set<() => void>()
let hooked = false

function onExit(cleanup: () => void): () => void {
  if (!hooked) {
    hooked = true
    process.on('exit', runCleanups)
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        runCleanups()
        // Left to another handler when there is one (it may have async work of its own to finish).
        if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? 130 : 143)
      })
    }
  }
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

function runCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup)
    try {
      cleanup()
    } catch {
      // Best effort: the other steps still run.
    }
  }
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
  if (address === null || typeof address === 'string') throw new Error('no port assigned')
  return address.port
}

function postgresOwner(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined
  const found = spawnSync('id', ['-u', POSTGRES_ACCOUNT], { encoding: 'utf8' })
  const groups = spawnSync('id', ['-g', POSTGRES_ACCOUNT], { encoding: 'utf8' })
  if (found.status !== 0 || groups.status !== 0) {
    throw new Error(
      `PostgreSQL will not run as root, and there is no "${POSTGRES_ACCOUNT}" account to run it as.`,
    )
  }
  return { uid: Number(found.stdout.trim()), gid: Number(groups.stdout.trim()) }
}

async function run(command: string, args: string[], options: SpawnOptions): Promise<string> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (code !== 0)
    throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}:\n${output}`)
  return output
}

/** initdb + pg_ctl from Debian's PostgreSQL binaries, in a temporary folder, on a free port; started. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bureau-throwaway-pg-'))
  const owner = postgresOwner()
  if (owner) chownSync(folder, owner.uid, owner.gid)
  const dataDir = path.join(folder, 'data')
  const logFile = path.join(folder, 'server.log')
  const port = await freePort()
  const asOwner: SpawnOptions = {
    cwd: folder,
    ...(owner ?? {}),
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
  }
  const pgCtl = path.join(POSTGRES_BIN, 'pg_ctl')
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${folder}`,
    // A test database: durability across a power cut is not what is being tested.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ')

  const stopNow = (): void => {
    spawnSync(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { ...asOwner, stdio: 'ignore' })
    rmSync(folder, { recursive: true, force: true })
  }
  const forget = onExit(stopNow)
  try {
    await run(
      path.join(POSTGRES_BIN, 'initdb'),
      ['-D', dataDir, '-U', 'root', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      asOwner,
    )
  } catch (error) {
    forget()
    stopNow()
    throw error
  }

  let running = false
  const cluster: ThrowawayPostgres = {
    port,
    url: (database = 'postgres') => `postgres://root@127.0.0.1:${port}/${database}`,
    async start() {
      await run(
        pgCtl,
        ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start'],
        asOwner,
      )
      running = true
    },
    async stop(mode = 'fast') {
      if (!running) return
      await run(pgCtl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'], asOwner)
      running = false
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8')
      } catch {
        return ''
      }
    },
    async remove() {
      try {
        await cluster.stop('immediate')
      } finally {
        forget()
        rmSync(folder, { recursive: true, force: true })
      }
    },
  }
  try {
    await cluster.start()
  } catch (error) {
    await cluster.remove()
    throw error
  }
  return cluster
}

/** `redis-server` on a free port, nothing saved to disk; started. */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bureau-throwaway-redis-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  let output = ''

  const killNow = (): void => {
    child?.kill('SIGKILL')
    rmSync(folder, { recursive: true, force: true })
  }
  const forget = onExit(killNow)

  const redis: ThrowawayRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) return
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      const started = spawn('redis-server', [...args, '--dir', folder], { stdio: ['ignore', 'pipe', 'pipe'] })
      child = started
      started.stdout.setEncoding('utf8').on('data', (text: string) => (output += text))
      started.stderr.setEncoding('utf8').on('data', (text: string) => (output += text))
      await new Promise<void>((resolve, reject) => {
        const ready = setInterval(() => {
          if (output.includes('Ready to accept connections')) {
            clearInterval(ready)
            resolve()
          }
        }, 20)
        started.once('exit', (code) => {
          clearInterval(ready)
          reject(new Error(`redis-server exited with ${code}:\n${output}`))
        })
      })
    },
    async stop() {
      const running = child
      if (!running) return
      child = undefined
      const exited = new Promise<void>((resolve) => {
        running.once('exit', () => {
          resolve()
        })
      })
      running.kill('SIGTERM')
      await exited
    },
    async remove() {
      try {
        await redis.stop()
      } finally {
        forget()
        rmSync(folder, { recursive: true, force: true })
      }
    },
  }
  try {
    await redis.start()
  } catch (error) {
    await redis.remove()
    throw error
  }
  return redis
}
