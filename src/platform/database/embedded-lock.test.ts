import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  acquireEmbeddedLock,
  currentOwner,
  EmbeddedDatabaseBusyError,
  lockPathOf,
  type LockOwner,
} from './embedded-lock.ts'

let root: string
before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'bureau-lock-'))
})
after(() => {
  rmSync(root, { recursive: true, force: true })
})

function folder(name: string): string {
  mkdirSync(path.join(root, name), { recursive: true })
  return path.join(root, name, 'pglite')
}

/** A lock file as another process would have written it. */
function writeLock(dir: string, owner: Partial<LockOwner> & { pid: number }): void {
  const lock: LockOwner = {
    command: 'start',
    port: 3000,
    startedAt: '2026-03-02T12:00:00.000Z',
    processStart: null,
    control: null,
    nonce: 'someone-else',
    ...owner,
  }
  writeFileSync(lockPathOf(dir), JSON.stringify(lock))
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(child.stdout.toString())
}

describe('the embedded database lock', () => {
  test('a free folder is locked with the owner’s pid, command, port and start time', () => {
    const dir = folder('free')
    const lock = acquireEmbeddedLock(dir, { command: 'start', port: 3000 })
    const written = JSON.parse(readFileSync(lockPathOf(dir), 'utf8')) as LockOwner
    assert.equal(written.pid, process.pid)
    assert.equal(written.command, 'start')
    assert.equal(written.port, 3000)
    assert.match(written.startedAt, /^\d{4}-\d{2}-\d{2}T/)
    lock.release()
    assert.equal(existsSync(lockPathOf(dir)), false)
  })

  test('a folder locked by a live process is refused, naming that process', () => {
    const dir = folder('live')
    const sleeper = spawn('sleep', ['30'])
    try {
      writeLock(dir, { pid: sleeper.pid ?? 0, port: 3100 })
      assert.throws(
        () => acquireEmbeddedLock(dir, { command: 'seed', port: null }),
        (error: unknown) =>
          error instanceof EmbeddedDatabaseBusyError &&
          error.owner.pid === sleeper.pid &&
          error.message.includes(`pid ${sleeper.pid}, port 3100`) &&
          error.message.includes(path.resolve(dir)),
      )
      assert.equal(currentOwner(dir)?.pid, sleeper.pid)
    } finally {
      sleeper.kill()
    }
  })

  test('the same process cannot lock a folder twice', () => {
    const dir = folder('twice')
    const lock = acquireEmbeddedLock(dir, { command: 'start', port: null })
    try {
      assert.throws(
        () => acquireEmbeddedLock(dir, { command: 'seed', port: null }),
        EmbeddedDatabaseBusyError,
      )
    } finally {
      lock.release()
    }
  })

  test('a lock whose process is gone is stale and taken over', () => {
    const dir = folder('stale')
    writeLock(dir, { pid: deadPid() })
    assert.equal(currentOwner(dir), undefined)
    const lock = acquireEmbeddedLock(dir, { command: 'start', port: 3000 })
    assert.equal((JSON.parse(readFileSync(lockPathOf(dir), 'utf8')) as LockOwner).nonce, lock.owner.nonce)
    lock.release()
  })

  test('a live pid that started at another time than the owner is not the owner (the pid was reused)', () => {
    const dir = folder('reused')
    const sleeper = spawn('sleep', ['30'])
    try {
      writeLock(dir, { pid: sleeper.pid ?? 0, processStart: '1' })
      const lock = acquireEmbeddedLock(dir, { command: 'start', port: null })
      lock.release()
    } finally {
      sleeper.kill()
    }
  })

  test('a lock file that is not a lock (empty, or garbage) is stale', () => {
    const dir = folder('garbage')
    acquireEmbeddedLock(dir, { command: 'start', port: null }).release()
    writeFileSync(lockPathOf(dir), '')
    acquireEmbeddedLock(dir, { command: 'start', port: null }).release()
  })

  test('update records the port and control socket; release leaves another process’s lock alone', () => {
    const dir = folder('update')
    const lock = acquireEmbeddedLock(dir, { command: 'start', port: 3000 })
    lock.update({ port: 4000, control: { socket: '/tmp/x.sock', secret: 's' } })
    const written = JSON.parse(readFileSync(lockPathOf(dir), 'utf8')) as LockOwner
    assert.equal(written.port, 4000)
    assert.deepEqual(written.control, { socket: '/tmp/x.sock', secret: 's' })
    // Someone took the folder over meanwhile (this process was thought dead): their lock stays.
    writeLock(dir, { pid: process.pid, nonce: 'the-new-owner' })
    lock.release()
    assert.equal((JSON.parse(readFileSync(lockPathOf(dir), 'utf8')) as LockOwner).nonce, 'the-new-owner')
  })
})
