import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * One process per embedded database. PGlite has no lock of its own: two processes that open the same
 * folder each keep their own copy of the database in memory and write it back over the other's, so
 * rows, sequences and indexes stop matching without a word. Every process that opens the folder first
 * takes this lock: a file beside the folder (`<folder>.lock`) naming its owner. A lock whose process
 * is gone (it was killed, the machine restarted) is stale and taken over.
 */
export interface LockOwner {
  pid: number
  /** What the owner is doing: `start`, `serve`, `worker`, `seed`, … */
  command: string
  /** The HTTP port it serves, when it serves. */
  port: number | null
  startedAt: string
  /** The owner's start time in the kernel's clock (Linux), so a reused pid is not taken for the owner. */
  processStart: string | null
  /** Where the owner answers other commands on this machine (see control.ts), and its secret. */
  control: { socket: string; secret: string } | null
  /** Tells this acquisition apart from any other by the same pid. */
  nonce: string
}

export class EmbeddedDatabaseBusyError extends Error {
  readonly owner: LockOwner
  readonly folder: string

  constructor(folder: string, owner: LockOwner) {
    super(`The embedded database in ${folder} is in use by ${describeOwner(owner)}.`)
    this.name = 'EmbeddedDatabaseBusyError'
    this.owner = owner
    this.folder = folder
  }
}

export interface EmbeddedLock {
  readonly path: string
  readonly owner: LockOwner
  /** Records what the owner now offers (its port, its control socket). */
  update(changes: Partial<Pick<LockOwner, 'port' | 'control'>>): void
  /** Removes the lock if it is still this process's. Safe to call twice. */
  release(): void
}

export function lockPathOf(folder: string): string {
  return `${path.resolve(folder)}.lock`
}

export function describeOwner(owner: Pick<LockOwner, 'pid' | 'command' | 'port' | 'startedAt'>): string {
  const port = owner.port === null ? '' : `, port ${owner.port}`
  return `Bureau's "${owner.command}" (pid ${owner.pid}${port}, started ${owner.startedAt})`
}

/** A takeover that has not finished in this time was abandoned by a process that died. */
const ABANDONED_TAKEOVER_MS = 10_000

/**
 * Takes the lock of `folder` for this process, or throws EmbeddedDatabaseBusyError naming the live
 * owner. Creating the lock file is atomic (a hard link of a complete file, which fails when the lock
 * exists); taking over a stale one happens under a second exclusive file, so two processes that find
 * the same stale lock cannot both win.
 */
export function acquireEmbeddedLock(
  folder: string,
  owner: Pick<LockOwner, 'command' | 'port'>,
  now: () => Date = () => new Date(),
): EmbeddedLock {
  const lockPath = lockPathOf(folder)
  mkdirSync(path.dirname(lockPath), { recursive: true })
  const mine: LockOwner = {
    pid: process.pid,
    command: owner.command,
    port: owner.port,
    startedAt: now().toISOString(),
    processStart: processStartOf(process.pid),
    control: null,
    nonce: randomBytes(12).toString('hex'),
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(lockPath, mine)) return held(lockPath, mine)
    const current = readLock(lockPath)
    if (current && isAlive(current)) throw new EmbeddedDatabaseBusyError(path.resolve(folder), current)
    takeOverStale(lockPath, current)
  }
  throw new Error(`Could not take the lock ${lockPath}: it keeps changing hands.`)
}

/** The live owner of `folder`'s lock, if any. */
export function currentOwner(folder: string): LockOwner | undefined {
  const owner = readLock(lockPathOf(folder))
  return owner && isAlive(owner) ? owner : undefined
}

function held(lockPath: string, owner: LockOwner): EmbeddedLock {
  let released = false
  const onExit = () => {
    removeIfMine(lockPath, owner)
  }
  process.on('exit', onExit)
  return {
    path: lockPath,
    owner,
    update(changes) {
      Object.assign(owner, changes)
      const temporary = `${lockPath}.${owner.nonce}.tmp`
      writeFileSync(temporary, JSON.stringify(owner), { mode: 0o600 })
      // rename replaces the file in one step: a reader sees the old owner or the new one, never half.
      renameSync(temporary, lockPath)
    },
    release() {
      if (released) return
      released = true
      process.off('exit', onExit)
      removeIfMine(lockPath, owner)
    },
  }
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  const temporary = `${lockPath}.${owner.nonce}.tmp`
  writeFileSync(temporary, JSON.stringify(owner), { mode: 0o600 })
  try {
    linkSync(temporary, lockPath)
    return true
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(temporary)
  }
}

function takeOverStale(lockPath: string, stale: LockOwner | undefined): void {
  const guard = `${lockPath}.takeover`
  try {
    writeFileSync(guard, String(process.pid), { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error
    // Someone else is taking it over; if they died doing so, clear their guard.
    if (ageMs(guard) > ABANDONED_TAKEOVER_MS) unlinkQuietly(guard)
    sleep(20)
    return
  }
  try {
    // Remove the lock only if it is still the stale one we read, not one taken meanwhile.
    const again = readLock(lockPath)
    if (sameOwner(again, stale) && !(again && isAlive(again))) unlinkQuietly(lockPath)
  } finally {
    unlinkQuietly(guard)
  }
}

function readLock(lockPath: string): LockOwner | undefined {
  let text: string
  try {
    text = readFileSync(lockPath, 'utf8')
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined
    throw error
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>
    if (typeof parsed.pid !== 'number' || typeof parsed.nonce !== 'string') return undefined
    return {
      pid: parsed.pid,
      command: parsed.command ?? 'unknown',
      port: parsed.port ?? null,
      startedAt: parsed.startedAt ?? 'at an unknown time',
      processStart: parsed.processStart ?? null,
      control: parsed.control ?? null,
      nonce: parsed.nonce,
    }
  } catch {
    // Not a lock this code wrote (the file is only ever replaced whole): treat it as stale.
    return undefined
  }
}

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return a?.nonce === b?.nonce
}

/** The owner's process still runs: its pid exists and, where the kernel tells, started when it did. */
export function isAlive(owner: Pick<LockOwner, 'pid' | 'processStart'>): boolean {
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    // EPERM: a process of another user has that pid, so it is alive.
    if (codeOf(error) !== 'EPERM') return false
  }
  if (owner.processStart === null) return true
  const start = processStartOf(owner.pid)
  return start === null || start === owner.processStart
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] ?? null
  } catch {
    return null
  }
}

function removeIfMine(lockPath: string, owner: LockOwner): void {
  const current = readLock(lockPath)
  if (current?.nonce === owner.nonce) unlinkQuietly(lockPath)
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined
}
