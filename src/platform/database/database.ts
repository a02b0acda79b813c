import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect.ts'
import { prepareStatements } from './prepared-statements.ts'

/**
 * The platform's handle on the database. Its Kysely instance knows no tables: each module adds its own
 * with `db.withTables<ModuleTables>()`, so no module can type a query against another module's tables.
 */
export type Db = Kysely<object>

export interface Database {
  readonly db: Db
  readonly kind: 'postgres' | 'pglite'
  /**
   * The embedded engine, for the one thing Kysely cannot do on it: run a parameterless script of
   * several statements (`exec`). Use it only while holding the connection (inside
   * `db.connection().execute(...)` or a transaction).
   */
  readonly pglite: PGlite | undefined
  /** Throws when the database does not answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export type DatabaseLocation =
  | {
      kind: 'postgres'
      url: string
      poolSize: number
      applicationName?: string
      /** Prepare each parameterised statement once per connection (default true). */
      preparedStatements?: boolean
    }
  /** `dataDir`: a folder, or 'memory' for a database that lives and dies with the process. */
  | { kind: 'pglite'; dataDir: string }

const DATE_OID = 1082
const INT8_OID = 20
const INT8_ARRAY_OID: number = 1016

/**
 * Both drivers return the same JavaScript types: `date` as 'YYYY-MM-DD' (a calendar date has no time
 * zone), `bigint` (and `bigint[]`) as number (ids and counts stay far below 2^53), `numeric` as a decimal string,
 * `timestamptz` as Date.
 */
const pgTypes = {
  getTypeParser(oid: number): (value: string) => unknown {
    if (oid === DATE_OID) return (value: string) => value
    if (oid === INT8_OID) return (value: string) => Number(value)
    if (oid === INT8_ARRAY_OID) {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      const parseArray = pg.types.getTypeParser(INT8_ARRAY_OID, 'text') as (value: string) => unknown[]
      return (value: string) => parseArray(value).map((item) => (item === null ? null : Number(item)))
    }
    // The default text parser of every other type (pg's typings return `any` and type OIDs as an enum).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    return pg.types.getTypeParser(oid, 'text') as (value: string) => unknown
  },
}

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: location.url,
      max: location.poolSize,
      types: pgTypes,
      application_name: location.applicationName ?? 'bureau',
    })
    // An idle client losing its connection (database restart) must not crash the process; the pool
    // replaces it and /ready reports the outage.
    pool.on('error', () => undefined)
    if (location.preparedStatements ?? true) prepareStatements(pool)
    const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) })
    return handle(db, 'postgres', undefined)
  }
  if (location.dataDir !== 'memory') mkdirSync(location.dataDir, { recursive: true })
  const client = await PGlite.create({
    ...(location.dataDir === 'memory' ? {} : { dataDir: location.dataDir }),
    parsers: { [DATE_OID]: (value: string) => value },
    // Extensions the migrations create (trigram indexes for text search).
    extensions: { pg_trgm },
  })
  const db = new Kysely<object>({ dialect: new PGliteDialect(client) })
  return handle(db, 'pglite', client)
}

function handle(db: Db, kind: Database['kind'], pglite: PGlite | undefined): Database {
  return {
    db,
    kind,
    pglite,
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}
