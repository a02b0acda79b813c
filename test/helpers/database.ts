import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, type Database } from '../../src/platform/database/database.ts'
import { migrateToLatest } from '../../src/platform/database/migrations.ts'

/**
 * A migrated database of its own for one test file: a fresh in-memory PGlite by default, or, when
 * TEST_DATABASE_URL is set, a throwaway database on that PostgreSQL server, dropped on close.
 */
export async function createTestDatabase(): Promise<Database & { url: string | undefined }> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) {
    const database = await openDatabase({ kind: 'pglite', dataDir: 'memory' })
    await migrateToLatest(database.db)
    return { ...database, url: undefined }
  }
  const name = `bureau_test_${randomBytes(6).toString('hex')}`
  await admin(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 })
  try {
    await migrateToLatest(database.db)
  } catch (error) {
    await database.close()
    await admin(serverUrl, `drop database if exists ${name} with (force)`)
    throw error
  }
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close()
      await admin(serverUrl, `drop database if exists ${name} with (force)`)
    },
  }
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
