import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { fixedClock, type FixedClock } from '../../src/platform/clock.ts'
import type { App } from '../../src/platform/http/server.ts'
import { createPlatform, type Platform } from '../../src/platform/platform.ts'
import type { Logger } from '../../src/platform/telemetry/logger.ts'
import { createTestDatabase } from './database.ts'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789'

export interface TestApp {
  app: App
  platform: Platform
  clock: FixedClock
  config: Config
  close(): Promise<void>
}

export interface TestAppOptions {
  /** Extra environment variables, as an operator would set them. */
  env?: Record<string, string>
  /** Where the fixed clock starts (default 2026-03-02T12:00:00Z). */
  now?: string
  /** Where logs go (default: nowhere, LOG_LEVEL=silent). */
  logger?: Logger
  /** Runs before the modules start (to register extra jobs, for instance). */
  beforeStart?: (platform: Platform) => void
}

/**
 * The whole application on a database of its own (PGlite, or a throwaway database on
 * TEST_DATABASE_URL), Redis from TEST_REDIS_URL when set (under a key prefix of its own), a fixed
 * clock and a temporary DATA_DIR. Always `close()` it.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bureau-test-'))
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://bureau.test',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    ...(process.env.TEST_REDIS_URL
      ? {
          REDIS_URL: process.env.TEST_REDIS_URL,
          REDIS_PREFIX: `bureau-test:${randomBytes(6).toString('hex')}:`,
        }
      : {}),
    ...options.env,
  })
  const clock = fixedClock(options.now ?? '2026-03-02T12:00:00Z', config.businessTimezone)
  const database = await createTestDatabase()
  // Tests run jobs explicitly with `platform.jobs.drain()`; no background worker or housekeeping.
  const platform = await createPlatform(config, {
    clock,
    database,
    role: 'api',
    ...(options.logger ? { logger: options.logger } : {}),
  })
  options.beforeStart?.(platform)
  const app = await buildApp(platform)
  return {
    app,
    platform,
    clock,
    config,
    close: async () => {
      await app.close()
      await platform.jobs.stop(1000)
      await platform.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
