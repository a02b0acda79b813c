import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { buildApp, startModules } from '../app.ts'
import type { Config } from '../config.ts'
import { EmbeddedDatabaseUnreadableError } from '../platform/database/database.ts'
import { isCorruptionError } from '../platform/database/errors.ts'
import { migrateToLatest } from '../platform/database/migrations.ts'
import { drain } from '../platform/http/drain.ts'
import { CommandError, startControlServer, type ControlServer } from '../platform/control/control.ts'
import { createPlatform, embeddedDatabaseFolder, type Platform } from '../platform/platform.ts'
import { startMetricsServer } from '../platform/telemetry/metrics.ts'
import { seedDemoData } from '../seed.ts'
import { dataCommands } from './data-commands.ts'

/** How long a stop waits for kept-alive connections to end on their own before closing them. */
const DRAIN_MS = 2000

export type ServerCommand = 'start' | 'serve' | 'worker'

const ROLES = {
  start: { http: true, work: true, role: 'all' },
  serve: { http: true, work: false, role: 'api' },
  worker: { http: false, work: true, role: 'worker' },
} as const

/**
 * A long-running process: migrate, then serve the API and/or run jobs until SIGTERM/SIGINT. On the
 * embedded database it holds the folder's lock and answers the command line's data commands on its
 * control socket, so they never open the files it has open.
 */
export async function runServer(config: Config, command: ServerCommand, args: string[]): Promise<void> {
  const demo = parseDemo(args) || config.seedDemo
  const roles = ROLES[command]
  const platform = await createPlatform(config, {
    role: roles.role,
    owner: { command, port: roles.http ? config.port : null },
  })
  const { logger } = platform
  const migrations = await migrate(platform)
  if (migrations.length > 0) logger.info({ applied: migrations }, 'migrations applied')

  const modules = await startModules(platform)
  if (demo) await seedDemoData(platform, modules, (text) => process.stdout.write(text))
  const app = roles.http ? await buildApp(platform, modules) : undefined
  if (roles.work) {
    await platform.jobs.work({
      concurrency: config.workerConcurrency,
      pollIntervalSeconds: config.jobPollIntervalSeconds,
    })
  }
  if (app) await app.listen({ host: config.host, port: config.port })
  const port = app ? (app.server.address() as AddressInfo).port : null
  const control = await openControl(platform, () => modules, port)
  const metrics = await startMetricsServer(platform.metrics, config.telemetry.metrics, logger)
  logger.info(
    {
      role: roles.role,
      database: platform.database.kind,
      ...(app ? { url: config.publicUrl, docs: `${config.publicUrl}/docs` } : {}),
      ...(metrics ? { metrics: `http://${config.telemetry.metrics.host}:${metrics.port}/metrics` } : {}),
      ...(roles.work ? { workerConcurrency: config.workerConcurrency } : {}),
    },
    'Bureau is ready',
  )
  stopOnSignals(platform, async () => {
    // Connections a load balancer keeps open end after their next response; new ones go elsewhere.
    if (app) await drain(app, Math.min(DRAIN_MS, config.shutdownTimeoutMs / 4))
    await control?.close()
    await app?.close()
    await metrics?.close()
  })
}

function parseDemo(args: string[]): boolean {
  try {
    return parseArgs({ args, options: { demo: { type: 'boolean', default: false } } }).values.demo
  } catch (error) {
    throw new CommandError(error instanceof Error ? error.message : String(error))
  }
}

/** Applies pending migrations; damaged embedded files are reported as such, with the way out. */
async function migrate(platform: Platform): Promise<string[]> {
  try {
    return (await migrateToLatest(platform.db)).applied
  } catch (error) {
    if (platform.database.kind === 'pglite' && isCorruptionError(error)) {
      throw new EmbeddedDatabaseUnreadableError(embeddedDatabaseFolder(platform.config), error)
    }
    throw error
  }
}

async function openControl(
  platform: Platform,
  modules: Parameters<typeof dataCommands>[1],
  port: number | null,
): Promise<ControlServer | undefined> {
  const { lock } = platform.database
  if (!lock) return undefined
  const control = await startControlServer(
    platform.config.dataDir,
    dataCommands(platform, modules),
    platform.logger,
  )
  lock.update({ port, control: { socket: control.socket, secret: control.secret } })
  return control
}

function stopOnSignals(platform: Platform, stopServing: () => Promise<void>): void {
  const { config, logger } = platform
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
      await stopServing()
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
