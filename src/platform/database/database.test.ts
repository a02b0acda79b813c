import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import type { Database, Db } from './database.ts'
import { isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from './errors.ts'
import { MIGRATIONS_DIR, migrateDown, migrateToLatest } from './migrations.ts'
import { transaction } from './transaction.ts'

interface Row {
  id: number
  day: string
  amount: string
  at: Date
  code: string
}

async function insertRow(db: Db, code: string): Promise<void> {
  await sql`
    insert into platform_test_rows (day, amount, at, code)
    values ('2026-03-01', 1234.5, '2026-03-01T10:30:00Z', ${code})`.execute(db)
}

async function rowsWithCode(db: Db, code: string): Promise<Row[]> {
  const result = await sql<Row>`select * from platform_test_rows where code = ${code}`.execute(db)
  return result.rows
}

/** The error a statement fails with; fails the test when it succeeds. */
async function failureOf(statement: Promise<unknown>): Promise<unknown> {
  try {
    await statement
  } catch (error) {
    return error
  }
  assert.fail('expected the statement to fail')
}

describe(`the database (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database
  let db: Db
  before(async () => {
    database = await createTestDatabase()
    db = database.db
    await sql`
      create table platform_test_rows (
        id bigint generated always as identity primary key,
        day date not null,
        amount numeric(12, 2) not null,
        at timestamptz not null,
        code text not null unique
      )`.execute(db)
    await sql`
      create table platform_test_children (
        parent_id bigint not null references platform_test_rows (id)
      )`.execute(db)
    await insertRow(db, 'types')
  })
  after(() => database.close())

  describe('column types', () => {
    it('a date reads as a YYYY-MM-DD string, free of time zones', async () => {
      const [row] = await rowsWithCode(db, 'types')
      assert.equal(row?.day, '2026-03-01')
    })

    it('a bigint reads as a number', async () => {
      const [row] = await rowsWithCode(db, 'types')
      assert.equal(typeof row?.id, 'number')
    })

    it('a count(*) (a bigint) reads as a number', async () => {
      const result = await sql<{ count: unknown }>`select count(*) as count from platform_test_rows`.execute(
        db,
      )
      assert.equal(typeof result.rows[0]?.count, 'number')
    })

    it('a numeric reads as an exact decimal string', async () => {
      const [row] = await rowsWithCode(db, 'types')
      assert.equal(row?.amount, '1234.50')
    })

    it('a timestamptz reads as a Date', async () => {
      const [row] = await rowsWithCode(db, 'types')
      assert.ok(row?.at instanceof Date)
      assert.equal(row.at.toISOString(), '2026-03-01T10:30:00.000Z')
    })
  })

  describe('transaction()', () => {
    it('commits the work when it resolves', async () => {
      await transaction(db, async (tx) => {
        await insertRow(tx, 'committed')
      })
      assert.equal((await rowsWithCode(db, 'committed')).length, 1)
    })

    it('returns what the work returns', async () => {
      assert.equal(await transaction(db, async () => 42), 42)
    })

    it('rolls the work back when it throws, and rethrows', async () => {
      const failure = new Error('rule broken halfway')
      await assert.rejects(
        transaction(db, async (tx) => {
          await insertRow(tx, 'rolled-back')
          throw failure
        }),
        (error: unknown) => error === failure,
      )
      assert.deepEqual(await rowsWithCode(db, 'rolled-back'), [])
    })
  })

  describe('error recognition', () => {
    it('isUniqueViolation recognises a duplicate key', async () => {
      await insertRow(db, 'unique')
      assert.equal(isUniqueViolation(await failureOf(insertRow(db, 'unique'))), true)
    })

    it('isUniqueViolation matches the violated constraint by name', async () => {
      const error = await failureOf(insertRow(db, 'unique'))
      assert.equal(isUniqueViolation(error, 'platform_test_rows_code_key'), true)
      assert.equal(isUniqueViolation(error, 'some_other_key'), false)
    })

    it('isUniqueViolation is false for other failures', async () => {
      const error = await failureOf(sql`insert into platform_test_children values (-1)`.execute(db))
      assert.equal(isUniqueViolation(error), false)
      assert.equal(isUniqueViolation(new Error('duplicate key value')), false)
    })

    it('isForeignKeyViolation recognises a reference to a missing row', async () => {
      const error = await failureOf(sql`insert into platform_test_children values (-1)`.execute(db))
      assert.equal(isForeignKeyViolation(error, 'platform_test_children_parent_id_fkey'), true)
    })

    it('a rejected query is not mistaken for an unreachable database', async () => {
      assert.equal(isDatabaseUnavailable(await failureOf(insertRow(db, 'unique'))), false)
    })

    it('isDatabaseUnavailable recognises refused connections and server shutdowns', () => {
      assert.equal(isDatabaseUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })), true)
      assert.equal(isDatabaseUnavailable(Object.assign(new Error('terminating'), { code: '57P01' })), true)
      assert.equal(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')), true)
    })
  })

  describe('ping()', () => {
    it('resolves while the database answers', async () => {
      await database.ping()
    })
  })
})

describe('migrations', () => {
  let database: Database
  const names = readdirSync(MIGRATIONS_DIR)
    .filter((file) => /\.(ts|js)$/.test(file))
    .map((file) => path.basename(file, path.extname(file)))
    .sort()

  before(async () => {
    // A database of its own, migrated to the latest version.
    database = await createTestDatabase()
  })
  after(() => database.close())

  /** The tables of the schema, without Kysely's own bookkeeping. */
  async function tables(): Promise<string[]> {
    const result = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_migration%'
      order by table_name`.execute(database.db)
    return result.rows.map((row) => row.name)
  }

  it('revert one at a time, newest first, down to an empty schema, then apply again', async () => {
    const migrated = await tables()
    const reverted: string[] = []
    for (;;) {
      const { applied } = await migrateDown(database.db)
      if (applied.length === 0) break
      reverted.push(...applied)
    }
    assert.deepEqual(
      reverted,
      names.toReversed().map((name) => `${name} down`),
    )
    assert.deepEqual(await tables(), [])

    const { applied } = await migrateToLatest(database.db)
    assert.deepEqual(
      applied,
      names.map((name) => `${name} up`),
    )
    assert.deepEqual(await tables(), migrated)
  })

  it('applying when up to date does nothing', async () => {
    assert.deepEqual((await migrateToLatest(database.db)).applied, [])
  })
})

describe('prepared statements (PostgreSQL)', { skip: !process.env.TEST_DATABASE_URL }, () => {
  let database: Database
  before(async () => {
    database = await createTestDatabase()
  })
  after(() => database.close())

  it('a parameterised statement is prepared once on its connection and reused', async () => {
    await database.db.connection().execute(async (connection) => {
      for (let n = 0; n < 3; n++) {
        const { rows } = await sql<{ n: number }>`select ${n}::int + 1 as n`.execute(connection)
        assert.equal(rows[0]?.n, n + 1)
      }
      const { rows } = await sql<{ text: string }>`
        select statement as text from pg_prepared_statements where statement like ${'select $1::int + 1%'}`.execute(
        connection,
      )
      assert.equal(rows.length, 1)
    })
  })

  it('a statement prepared before its table changed shape still runs, unprepared', async () => {
    await database.db.connection().execute(async (connection) => {
      await sql`create table prepared_shape (id int)`.execute(connection)
      await sql`insert into prepared_shape values (1)`.execute(connection)
      const select = (id: number) => sql`select * from prepared_shape where id = ${id}`.execute(connection)
      assert.deepEqual((await select(1)).rows, [{ id: 1 }])
      await sql`alter table prepared_shape add column code text default 'x'`.execute(connection)
      assert.deepEqual((await select(1)).rows, [{ id: 1, code: 'x' }])
      assert.deepEqual((await select(1)).rows, [{ id: 1, code: 'x' }])
      await sql`drop table prepared_shape`.execute(connection)
    })
  })

  it('statements without parameters keep the simple protocol (several statements at once)', async () => {
    await database.db.connection().execute(async (connection) => {
      await sql
        .raw('create temporary table several (n int); insert into several values (1); drop table several')
        .execute(connection)
    })
  })
})
