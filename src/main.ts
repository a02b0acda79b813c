import { isDataCommand } from './cli/data-commands.ts'
import { resetEmbeddedDatabase } from './cli/reset.ts'
import { runDataCommand } from './cli/run-data-command.ts'
import { runServer } from './cli/serve.ts'
import { ConfigError, loadConfig, withDevelopmentSecret, type Config } from './config.ts'
import { CommandError, describeFailure } from './platform/control/control.ts'
import { EmbeddedDatabaseUnreadableError } from './platform/database/database.ts'
import { EmbeddedDatabaseBusyError } from './platform/database/embedded-lock.ts'
import { AppError } from './platform/errors.ts'

const USAGE = `Usage: node src/main.ts <command>

Commands:
  start [--demo] migrate, then serve the API and run background jobs in this process (the default);
                 --demo (or SEED_DEMO=true) adds the demo data first
  serve          migrate, then serve the API only (jobs are enqueued for workers)
  worker         migrate, then run background jobs only (WORKER_CONCURRENCY at a time)
  migrate [up]   apply pending migrations
  migrate down   revert the most recent migration
  seed           add demo data (idempotent) and print the demo accounts
  create-user    --email a@b.c --password … [--role admin] [--role operator] [--first-name …] [--last-name …]
  db:reset       delete the embedded database (asks first; --yes does not ask)

On the embedded database, seed, create-user and migrate work while a server runs: the server runs
them. A second server on the same DATA_DIR is refused.
`

async function main(argv: string[]): Promise<number | undefined> {
  const [command = 'start', ...rest] = argv
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return 0
  }
  const config = readConfig()
  switch (command) {
    case 'start':
    case 'serve':
    case 'worker':
      await runServer(config, command, rest)
      return undefined
    case 'db:reset':
      return resetEmbeddedDatabase(config, rest)
    default:
      if (isDataCommand(command)) return runDataCommand(config, command, rest)
      throw new CommandError(`Unknown command "${command}".\n\n${USAGE}`)
  }
}

function readConfig(): Config {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message)
    throw error
  }
  if (config.nodeEnv === 'production') return config
  try {
    return withDevelopmentSecret(config)
  } catch (error) {
    // The development secret is the first thing written into DATA_DIR.
    const reason = error instanceof Error ? error.message : String(error)
    throw new CommandError(`DATA_DIR (${config.dataDir}) cannot be used: ${reason}.`, 1)
  }
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    // A server keeps running; a one-off command exits with its code once its output is written.
    if (exitCode !== undefined) process.exitCode = exitCode
  },
  (error: unknown) => {
    if (error instanceof EmbeddedDatabaseBusyError) {
      console.error(
        `${error.message} Only one Bureau process can use an embedded database: stop that one first (Ctrl-C in its terminal, or kill ${error.owner.pid}), or set DATA_DIR to another folder.`,
      )
    } else if (error instanceof CommandError || error instanceof EmbeddedDatabaseUnreadableError) {
      console.error(error.message)
    } else if (error instanceof AppError) {
      console.error(describeFailure(error))
    } else {
      console.error(error)
    }
    process.exit(error instanceof CommandError ? error.exitCode : 1)
  },
)
