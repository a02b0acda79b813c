import { startModules, type Modules } from '../app.ts'
import type { Config } from '../config.ts'
import {
  currentOwner,
  describeOwner,
  EmbeddedDatabaseBusyError,
  type LockOwner,
} from '../platform/database/embedded-lock.ts'
import { migrateToLatest } from '../platform/database/migrations.ts'
import { runRemote } from '../platform/control/control.ts'
import { createPlatform, embeddedDatabaseFolder } from '../platform/platform.ts'
import { dataCommands, parseCreateUser, refusedWhileServing, type DataCommandName } from './data-commands.ts'

/** How long a command waits for a server that holds the database but is still starting. */
const STARTING_SERVER_WAIT_MS = 60_000

/**
 * Runs `seed`, `create-user` or `migrate`. On PostgreSQL, and on an embedded database no process
 * holds, the command opens the database itself. When a server holds the embedded database, the
 * server runs it (its output comes back here); a command it must not run is refused before anything
 * is touched, with the way out. Returns the exit code.
 */
export async function runDataCommand(config: Config, name: DataCommandName, args: string[]): Promise<number> {
  if (name === 'create-user') parseCreateUser(args)
  if (!config.databaseUrl) {
    const owner = await ownerReadyToAnswer(embeddedDatabaseFolder(config))
    if (owner) return runThroughOwner(config, owner, name, args)
  }
  try {
    return await runHere(config, name, args)
  } catch (error) {
    // A server took the folder between the look and the opening: ask it instead.
    if (!(error instanceof EmbeddedDatabaseBusyError)) throw error
    const owner = await ownerReadyToAnswer(error.folder)
    if (!owner) throw error
    return runThroughOwner(config, owner, name, args)
  }
}

async function runHere(config: Config, name: DataCommandName, args: string[]): Promise<number> {
  // One-off commands run no workers and no queue housekeeping.
  const platform = await createPlatform(config, { role: 'api', owner: { command: name, port: null } })
  try {
    let modules: Modules | undefined
    if (name !== 'migrate') {
      await migrateToLatest(platform.db)
      modules = await startModules(platform)
    }
    const commands = dataCommands(platform, () => {
      if (!modules) throw new Error(`"${name}" runs without the modules.`)
      return modules
    })
    await commands[name](args, (text) => process.stdout.write(text))
    return 0
  } finally {
    await platform.jobs.stop(config.shutdownTimeoutMs)
    await platform.close()
  }
}

async function runThroughOwner(
  config: Config,
  owner: LockOwner,
  name: DataCommandName,
  args: string[],
): Promise<number> {
  const folder = embeddedDatabaseFolder(config)
  const instead = refusedWhileServing(name, args)
  if (instead) {
    console.error(
      `The embedded database in ${folder} is in use by ${describeOwner(owner)}. Stop it first, then run: ${instead}`,
    )
    return 1
  }
  if (!owner.control) {
    console.error(
      `The embedded database in ${folder} is in use by ${describeOwner(owner)}. Run this again when it has finished.`,
    )
    return 1
  }
  console.error(`Running "${name}" in ${describeOwner(owner)}, which holds the embedded database.`)
  const outcome = await runRemote(owner.control, name, args, (text) => process.stdout.write(text))
  if (outcome.error) console.error(outcome.error)
  return outcome.exitCode
}

/**
 * The live owner of the folder, once it can take commands. A server that is still starting (it
 * migrates before it opens its control socket) is waited for; a one-off command is not.
 */
async function ownerReadyToAnswer(folder: string): Promise<LockOwner | undefined> {
  const deadline = Date.now() + STARTING_SERVER_WAIT_MS
  for (;;) {
    const owner = currentOwner(folder)
    if (!owner || owner.control || !isServer(owner) || Date.now() > deadline) return owner
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

function isServer(owner: LockOwner): boolean {
  return owner.command === 'start' || owner.command === 'serve' || owner.command === 'worker'
}
