import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration'
import type { Db } from './database.ts'

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
)

function migrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  })
}

export interface MigrationReport {
  applied: string[]
}

/** Applies every pending migration, in order, each in its own transaction. */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  return report(await migrator(db).migrateToLatest())
}

/** Reverts the most recent migration. */
export async function migrateDown(db: Db): Promise<MigrationReport> {
  return report(await migrator(db).migrateDown())
}

function report({ error, results = [] }: MigrationResultSet): MigrationReport {
  const failed = results.find((result) => result.status === 'Error')
  if (error !== undefined || failed) {
    const name = failed ? ` (${failed.migrationName})` : ''
    throw new Error(`Migration failed${name}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  return { applied: results.map((result) => `${result.migrationName} ${result.direction.toLowerCase()}`) }
}
