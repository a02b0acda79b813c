import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import {
  acquireEmbeddedLock,
  EmbeddedDatabaseBusyError,
  type EmbeddedLock,
  type LockOwner,
} from './embedded-lock.ts'
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
  /** This process's hold on the embedded database folder (not for PostgreSQL or 'memory'). */
  readonly lock: EmbeddedLock | undefined
  /** Throws when the database does not answer. */
  ping(): Promise<void>
  /** The PostgreSQL pool's connections now; undefined on the embedded database (one connection). */
  poolStats(): PoolStats | undefined
  close(): Promise<void>
}

export interface PoolStats {
  inUse: number
  idle: number
  /** Queries waiting for a connection. */
  waiting: number
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
  /**
   * `dataDir`: a folder, or 'memory' for a database that lives and dies with the process. A folder is
   * locked for this process first (`owner` says who it is); a second process gets
   * EmbeddedDatabaseBusyError and never opens it.
   */
  | { kind: 'pglite'; dataDir: string; owner?: Pick<LockOwner, 'command' | 'port'> }

/** The embedded database's folder could not be opened: unreadable, or not a database PGlite knows. */
export class EmbeddedDatabaseUnreadableError extends Error {
  readonly folder: string

  constructor(folder: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      `The embedded database in ${folder} cannot be opened (${reason}). To start over with an empty database, run: npm run db:reset`,
      { cause },
    )
    this.name = 'EmbeddedDatabaseUnreadableError'
    this.folder = folder
  }
}

/** Longest wait for a new connection (or a free one from the pool) before a query fails as unavailable. */
const CONNECT_TIMEOUT_MS = 10_000

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
      // A database host that drops packets (instead of refusing) fails requests after this, not after
      // the operating system's two minutes of connection attempts.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    })
    // A client losing its connection (database restart) must not crash the process: an idle one is
    // dropped by the pool, and one checked out between two statements (inside a transaction) fails
    // its next statement, which answers 503, and is dropped when released. /ready reports the outage.
    pool.on('error', () => undefined)
    pool.on('connect', (client) => client.on('error', () => undefined))
    if (location.preparedStatements ?? true) prepareStatements(pool)
    const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) })
    const stats = () => ({
      inUse: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    })
    return handle(db, 'postgres', undefined, undefined, stats)
  }
  if (location.dataDir === 'memory') return openPglite(undefined, undefined)
  const lock = lockFolder(location.dataDir, location.owner ?? { command: 'unknown', port: null })
  try {
    return await openPglite(location.dataDir, lock)
  } catch (error) {
    lock.release()
    throw error
  }
}

/** Takes the folder's lock; a folder that cannot even hold a lock file is unreadable. */
function lockFolder(dataDir: string, owner: Pick<LockOwner, 'command' | 'port'>): EmbeddedLock {
  try {
    return acquireEmbeddedLock(dataDir, owner)
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError) throw error
    throw new EmbeddedDatabaseUnreadableError(path.resolve(dataDir), error)
  }
}

async function openPglite(dataDir: string | undefined, lock: EmbeddedLock | undefined): Promise<Database> {
  let client: PGlite
  try {
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true })
    client = await PGlite.create({
      ...(dataDir === undefined ? {} : { dataDir }),
      parsers: { [DATE_OID]: (value: string) => value },
      // Extensions the migrations create (trigram indexes for text search).
      extensions: { pg_trgm },
    })
  } catch (error) {
    if (dataDir === undefined) throw error
    throw new EmbeddedDatabaseUnreadableError(path.resolve(dataDir), error)
  }
  const db = new Kysely<object>({ dialect: new PGliteDialect(client) })
  return handle(db, 'pglite', client, lock)
}

function handle(
  db: Db,
  kind: Database['kind'],
  pglite: PGlite | undefined,
  lock: EmbeddedLock | undefined,
  poolStats: () => PoolStats | undefined = () => undefined,
): Database {
  return {
    db,
    kind,
    pglite,
    lock,
    poolStats,
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: async () => {
      try {
        await db.destroy()
      } finally {
        lock?.release()
      }
    },
  }
}
