import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { openDatabase } from '../src/platform/database/database.ts'
import { lockPathOf } from '../src/platform/database/embedded-lock.ts'
import { embeddedEnv, runCommand, startServer, type RunningServer } from './helpers/processes.ts'

/**
 * One process per embedded database, as a user meets it: a server started with `npm start`, a second
 * start, and the one-off commands run in another terminal while it runs. These start real processes
 * on the embedded database, so they run in the embedded pass only.
 */
const skip = process.env.TEST_DATABASE_URL ? 'embedded database only (runs in the PGlite pass)' : false

let root: string
before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'bureau-embedded-'))
})
after(() => {
  rmSync(root, { recursive: true, force: true })
})

async function login(url: string, email: string, password: string): Promise<number> {
  const response = await fetch(`${url}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  return response.status
}

/** Every column filled from a sequence, and whether the sequence's next value is above its rows. */
async function sequencesAheadOfRows(
  folder: string,
): Promise<{ column: string; next: number; max: number }[]> {
  const database = await openDatabase({ kind: 'pglite', dataDir: folder })
  try {
    const columns = await sql<{ table_schema: string; table_name: string; column_name: string; seq: string }>`
      select table_schema, table_name, column_name,
             pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name) as seq
      from information_schema.columns
      where table_schema not in ('pg_catalog', 'information_schema')
        and pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name) is not null
    `.execute(database.db)
    const found = []
    for (const { table_schema, table_name, column_name, seq } of columns.rows) {
      const table = sql.table(`${table_schema}.${table_name}`)
      const max = await sql<{
        max: number | string | null
      }>`select max(${sql.ref(column_name)})::int8 as max from ${table}`.execute(database.db)
      const state = await sql<{ last_value: number | string; is_called: boolean }>`
        select last_value, is_called from ${sql.table(seq)}`.execute(database.db)
      const { last_value, is_called } = state.rows[0] ?? { last_value: 1, is_called: false }
      found.push({
        column: `${table_schema}.${table_name}.${column_name}`,
        next: is_called ? Number(last_value) + 1 : Number(last_value),
        max: Number(max.rows[0]?.max ?? 0),
      })
    }
    return found
  } finally {
    await database.close()
  }
}

describe('one process per embedded database', { skip, timeout: 180_000 }, () => {
  let dataDir: string
  let server: RunningServer

  before(async () => {
    dataDir = path.join(root, 'shared')
    server = await startServer([], embeddedEnv(dataDir))
  })
  after(async () => {
    await server.stop()
  })

  test('a second start on the same folder exits non-zero, naming the server that holds it', async () => {
    const second = await runCommand(['start'], embeddedEnv(dataDir))
    assert.equal(second.code, 1)
    assert.match(
      second.stderr,
      /The embedded database in .*pglite is in use by Bureau's "start" \(pid \d+, port \d+/,
    )
    assert.match(second.stderr, /stop that one first/)
    assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the first server is untouched')
  })

  test('seed while the server runs: the server seeds, and the demo admin logs in at once', async () => {
    const seeded = await runCommand(['seed'], embeddedEnv(dataDir))
    assert.equal(seeded.code, 0, seeded.stderr)
    assert.match(seeded.stdout, /admin@bureau\.test +demo-admin-pass/)
    assert.match(seeded.stderr, /Running "seed" in Bureau's "start" \(pid \d+/)
    assert.equal(await login(server.url, 'admin@bureau.test', 'demo-admin-pass'), 200)
  })

  test('create-user while the server runs: the new account logs in at once', async () => {
    const created = await runCommand(
      ['create-user', '--email', 'root@example.com', '--password', 'a-long-password', '--role', 'admin'],
      embeddedEnv(dataDir),
    )
    assert.equal(created.code, 0, created.stderr)
    assert.match(created.stdout, /Created user \d+ <root@example\.com> with roles: admin/)
    assert.equal(await login(server.url, 'root@example.com', 'a-long-password'), 200)
  })

  test('create-user with a taken email fails through the server with the reason', async () => {
    const again = await runCommand(
      ['create-user', '--email', 'root@example.com', '--password', 'a-long-password'],
      embeddedEnv(dataDir),
    )
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already exists/)
  })

  test('migrate while the server runs: up reports the database current; down is refused, saying what to do', async () => {
    const up = await runCommand(['migrate', 'up'], embeddedEnv(dataDir))
    assert.equal(up.code, 0, up.stderr)
    assert.match(up.stdout, /Nothing to migrate/)
    const down = await runCommand(['migrate', 'down'], embeddedEnv(dataDir))
    assert.equal(down.code, 1)
    assert.match(down.stderr, /is in use by Bureau's "start".*Stop it first, then run: npm run migrate:down/)
  })

  test('db:reset while the server runs is refused', async () => {
    const reset = await runCommand(['db:reset', '--yes'], embeddedEnv(dataDir))
    assert.equal(reset.code, 1)
    assert.match(reset.stderr, /is in use by Bureau's "start"/)
    assert.equal(await login(server.url, 'admin@bureau.test', 'demo-admin-pass'), 200)
  })

  test('once stopped, the lock is gone and every sequence is ahead of its rows', async () => {
    assert.equal(await server.stop(), 0)
    assert.equal(existsSync(lockPathOf(path.join(dataDir, 'pglite'))), false)
    const sequences = await sequencesAheadOfRows(path.join(dataDir, 'pglite'))
    assert.ok(sequences.some((s) => s.column === 'public.users.id' && s.max > 0))
    for (const sequence of sequences) {
      assert.ok(
        sequence.next > sequence.max,
        `${sequence.column}: next ${sequence.next}, max ${sequence.max}`,
      )
    }
  })
})

describe('starting over', { skip, timeout: 180_000 }, () => {
  test('a stale lock (its process is gone) is taken over', async () => {
    const dataDir = path.join(root, 'stale')
    mkdirSync(dataDir, { recursive: true })
    const gone = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    )
    writeFileSync(
      lockPathOf(path.join(dataDir, 'pglite')),
      JSON.stringify({ pid: gone, command: 'start', port: 3000, startedAt: 'yesterday', nonce: 'old' }),
    )
    const server = await startServer(['--demo'], embeddedEnv(dataDir))
    try {
      assert.equal(await login(server.url, 'admin@bureau.test', 'demo-admin-pass'), 200, 'start --demo seeds')
    } finally {
      assert.equal(await server.stop(), 0)
    }
  })

  test('a damaged folder is said in one line naming it and db:reset; db:reset --yes starts over', async () => {
    const dataDir = path.join(root, 'stale')
    const folder = path.join(dataDir, 'pglite')
    writeFileSync(path.join(folder, 'global', 'pg_control'), Buffer.alloc(8192, 7))
    const broken = await runCommand(['start'], embeddedEnv(dataDir))
    assert.equal(broken.code, 1)
    const lines = broken.stderr.trim().split('\n')
    assert.equal(lines.length, 1, broken.stderr)
    assert.match(lines[0] ?? '', /The embedded database in .*pglite cannot be opened .*run: npm run db:reset/)
    assert.ok(lines[0]?.includes(folder))
    assert.equal(existsSync(lockPathOf(folder)), false, 'the failed start left no lock')

    const unasked = await runCommand(['db:reset'], embeddedEnv(dataDir))
    assert.equal(unasked.code, 2)
    assert.match(unasked.stderr, /add --yes/)
    assert.ok(existsSync(folder), 'nothing deleted without confirmation')

    const reset = await runCommand(['db:reset', '--yes'], embeddedEnv(dataDir))
    assert.equal(reset.code, 0, reset.stderr)
    assert.equal(existsSync(folder), false)
    const fresh = await startServer([], embeddedEnv(dataDir))
    assert.equal((await fetch(`${fresh.url}/health`)).status, 200)
    assert.equal(await fresh.stop(), 0)
  })
})
