import path from 'node:path'
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { connectRedis } from './cache/redis.ts'
import { systemClock, type Clock } from './clock.ts'
import { openDatabase, type Database, type Db } from './database/database.ts'
import { createLogger, type Logger } from './telemetry/logger.ts'

/** Everything a module may use from the infrastructure, handed to `createXModule(platform)`. */
export interface Platform {
  readonly config: Config
  readonly logger: Logger
  readonly clock: Clock
  readonly database: Database
  readonly db: Db
  /** Present when REDIS_URL is set: shared rate limits (and, later, cache). */
  readonly redis: Redis | undefined
  /** Closes connections; call after the HTTP server and workers have stopped. */
  close(): Promise<void>
}

export interface PlatformOverrides {
  clock?: Clock
  database?: Database
  logger?: Logger
}

export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const logger = overrides.logger ?? createLogger(config)
  const database =
    overrides.database ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize }
        : { kind: 'pglite', dataDir: path.join(config.dataDir, 'pglite') },
    ))
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined
  redis?.on('error', (error: Error) => {
    logger.warn({ err: error }, 'redis connection error')
  })
  return {
    config,
    logger,
    clock: overrides.clock ?? systemClock(config.businessTimezone),
    database,
    db: database.db,
    redis,
    close: async () => {
      redis?.disconnect()
      await database.close()
    },
  }
}
