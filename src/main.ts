import { parseArgs } from 'node:util'
import { buildApp, startModules } from './app.ts'
import { ConfigError, loadConfig, withDevelopmentSecret, type Config } from './config.ts'
import { createAuthModule } from './modules/auth/index.ts'
import { AppError } from './platform/errors.ts'
import { migrateDown, migrateToLatest } from './platform/database/migrations.ts'
import { ROLES, type Role } from './platform/http/actor.ts'
import { createPlatform, type Platform } from './platform/platform.ts'
import { seedDemoData } from './seed.ts'

const USAGE = `Usage: node src/main.ts <command>

Commands:
  start          migrate, then serve the API and run background jobs in this process (the default)
  serve          migrate, then serve the API only (jobs are enqueued for workers)
  worker         migrate, then run background jobs only (WORKER_CONCURRENCY at a time)
  migrate [up]   apply pending migrations
  migrate down   revert the most recent migration
  seed           add demo data (idempotent) and print the demo accounts
  create-user    --email a@b.c --password … [--role admin] [--role operator] [--first-name …] [--last-name …]
`

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return
  }
  const config = readConfig()
  switch (command) {
    case 'start':
      return run(config, { http: true, work: true })
    case 'serve':
      return run(config, { http: true, work: false })
    case 'worker':
      return run(config, { http: false, work: true })
    case 'migrate':
      return withPlatform(config, (platform) => migrate(platform, rest[0] ?? 'up'))
    case 'seed':
      return withPlatform(config, async (platform) => {
        await migrateToLatest(platform.db)
        await seedDemoData(platform)
      })
    case 'create-user':
      return withPlatform(config, (platform) => createUser(platform, rest))
    default:
      fail(`Unknown command "${command}".\n\n${USAGE}`)
  }
}

function readConfig(): Config {
  try {
    const config = loadConfig()
    return config.nodeEnv === 'production' ? config : withDevelopmentSecret(config)
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
}

async function run(config: Config, roles: { http: boolean; work: boolean }): Promise<void> {
  const role = roles.http && roles.work ? 'all' : roles.http ? 'api' : 'worker'
  const platform = await createPlatform(config, { role })
  const { logger } = platform
  const migrations = await migrateToLatest(platform.db)
  if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'migrations applied')

  const app = roles.http ? await buildApp(platform) : undefined
  if (!app) await startModules(platform)
  if (roles.work) {
    await platform.jobs.work({
      concurrency: config.workerConcurrency,
      pollIntervalSeconds: config.jobPollIntervalSeconds,
    })
  }
  if (app) await app.listen({ host: config.host, port: config.port })
  logger.info(
    {
      role,
      database: platform.database.kind,
      ...(app ? { url: config.publicUrl, docs: `${config.publicUrl}/docs` } : {}),
      ...(roles.work ? { workerConcurrency: config.workerConcurrency } : {}),
    },
    'Bureau is ready',
  )

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'shutting down: no new requests or jobs; finishing those in flight')
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    deadline.unref()
    void (async () => {
      await app?.close()
      await platform.jobs.stop(config.shutdownTimeoutMs)
      await platform.close()
      logger.info('stopped')
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'error while shutting down')
      process.exitCode = 1
    })
  }
  process.on('SIGTERM', () => {
    stop('SIGTERM')
  })
  process.on('SIGINT', () => {
    stop('SIGINT')
  })
}

async function withPlatform(config: Config, work: (platform: Platform) => Promise<void>): Promise<void> {
  // One-off commands run no workers and no queue housekeeping.
  const platform = await createPlatform(config, { role: 'api' })
  try {
    await work(platform)
  } finally {
    await platform.jobs.stop(config.shutdownTimeoutMs)
    await platform.close()
  }
}

async function migrate(platform: Platform, direction: string): Promise<void> {
  if (direction !== 'up' && direction !== 'down') fail(`migrate takes "up" or "down", not "${direction}".`)
  const report = direction === 'up' ? await migrateToLatest(platform.db) : await migrateDown(platform.db)
  process.stdout.write(
    report.applied.length > 0
      ? `${report.applied.join('\n')}\n`
      : 'Nothing to migrate; the database is up to date.\n',
  )
}

async function createUser(platform: Platform, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string', multiple: true, default: [] },
      'first-name': { type: 'string', default: 'Admin' },
      'last-name': { type: 'string', default: 'User' },
    },
  })
  if (!values.email || !values.password) fail('create-user needs --email and --password.')
  const unknownRoles = values.role.filter((role) => !ROLES.includes(role as Role))
  if (unknownRoles.length > 0)
    fail(`Unknown role(s): ${unknownRoles.join(', ')}. Roles: ${ROLES.join(', ')}.`)
  await migrateToLatest(platform.db)
  const user = await createAuthModule(platform).api.createAccount({
    email: values.email,
    password: values.password,
    firstName: values['first-name'],
    lastName: values['last-name'],
    roles: values.role as Role[],
    emailVerified: true,
  })
  process.stdout.write(
    `Created user ${user.id} <${user.email}> with roles: ${user.roles.join(', ') || '(none)'}\n`,
  )
}

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof AppError) {
    console.error(`${error.message} ${JSON.stringify(error.fieldErrors ?? {})}`)
  } else {
    console.error(error)
  }
  process.exit(1)
})
