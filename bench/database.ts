import pg from 'pg'
import { openDatabase } from '../src/platform/database/database.ts'
import { migrateToLatest } from '../src/platform/database/migrations.ts'

/** The bench database: created fresh, migrated, dropped at the end whatever happens. */
export interface BenchDatabase {
  name: string
  url: string
  /** A single connection of the bench itself (data generation, look-ups, EXPLAIN). */
  client: pg.Client
  drop(): Promise<void>
}

export async function createBenchDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  await admin(adminUrl, `drop database if exists ${name} with (force)`)
  await admin(adminUrl, `create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  let client: pg.Client | undefined
  let dropped = false
  const drop = async () => {
    if (dropped) return
    dropped = true
    await client?.end().catch(() => undefined)
    await admin(adminUrl, `drop database if exists ${name} with (force)`)
  }
  try {
    const database = await openDatabase({
      kind: 'postgres',
      url: url.toString(),
      poolSize: 2,
      applicationName: 'bureau-bench',
    })
    try {
      await migrateToLatest(database.db)
    } finally {
      await database.close()
    }
    client = new pg.Client({ connectionString: url.toString(), application_name: 'bureau-bench' })
    // Dates stay calendar dates ('YYYY-MM-DD'), as in Bureau.
    client.setTypeParser(pg.types.builtins.DATE, (value) => value)
    client.setTypeParser(pg.types.builtins.INT8, Number)
    await client.connect()
    return { name, url: url.toString(), client, drop }
  } catch (error) {
    await drop()
    throw error
  }
}

export async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'bureau-bench' })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
