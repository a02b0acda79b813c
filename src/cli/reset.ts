import { existsSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import type { Config } from '../config.ts'
import { acquireEmbeddedLock, currentOwner, describeOwner } from '../platform/database/embedded-lock.ts'
import { CommandError } from '../platform/control/control.ts'
import { embeddedDatabaseFolder } from '../platform/platform.ts'

/**
 * `db:reset`: deletes the embedded database so the next start begins with an empty one. It asks
 * first (unless `--yes`), refuses while a process holds the database, and holds the lock itself
 * while deleting, so no server opens the folder half-deleted. Files and emails stay. Returns the
 * exit code.
 */
export async function resetEmbeddedDatabase(config: Config, args: string[]): Promise<number> {
  const yes = parseYes(args)
  if (config.databaseUrl) {
    throw new CommandError(
      'db:reset deletes the embedded database only, and DATABASE_URL is set: drop that database with your PostgreSQL tools.',
    )
  }
  const folder = embeddedDatabaseFolder(config)
  if (!existsSync(folder)) {
    process.stdout.write(`There is no embedded database in ${folder}; nothing to reset.\n`)
    return 0
  }
  const owner = currentOwner(folder)
  if (owner) {
    console.error(`The embedded database in ${folder} is in use by ${describeOwner(owner)}. Stop it first.`)
    return 1
  }
  if (!yes && !(await confirm(`Delete the embedded database in ${folder}, with all its data? [y/N] `))) {
    process.stdout.write('Nothing was deleted.\n')
    return 1
  }
  const lock = acquireEmbeddedLock(folder, { command: 'db:reset', port: null })
  try {
    rmSync(folder, { recursive: true, force: true })
  } finally {
    lock.release()
  }
  process.stdout.write(
    `Deleted ${folder}. The next "npm start" creates an empty database ("npm start -- --demo" adds the demo data).\n`,
  )
  return 0
}

function parseYes(args: string[]): boolean {
  try {
    return parseArgs({ args, options: { yes: { type: 'boolean', short: 'y', default: false } } }).values.yes
  } catch (error) {
    throw new CommandError(error instanceof Error ? error.message : String(error))
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CommandError('db:reset asks before deleting; run it in a terminal, or add --yes.')
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim())
  } finally {
    prompt.close()
  }
}
