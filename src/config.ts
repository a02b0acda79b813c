import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Reader, type Env } from './config-reader.ts'
import { readBilling, type BillingConfig } from './config-billing.ts'
import { readSso, type SsoConfig } from './config-sso.ts'
import { readTelemetry, tracingEnabled, type TelemetryConfig } from './config-telemetry.ts'

/**
 * The only reader of process.env. Every variable is parsed once at boot into a typed object; all
 * invalid variables are reported together, so an operator fixes their environment in one go.
 * Each variable is documented in .env.example and in the README's configuration table.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test'
  host: string
  port: number
  publicUrl: string
  /** Base of the links in emails (the web console's pages for verify-email and reset-password). */
  appUrl: string
  dataDir: string
  /** Add the demo data when the server starts (`npm start -- --demo` does the same). */
  seedDemo: boolean
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  databaseUrl: string | undefined
  databasePoolSize: number
  /** Prepare each parameterised statement once per connection (off behind a pooler that cannot). */
  databasePreparedStatements: boolean
  redisUrl: string | undefined
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string
  jwtSecret: string
  jwtAccessTtlSeconds: number
  jwtRefreshTtlSeconds: number
  corsOrigins: string[]
  bodyLimitBytes: number
  trustProxy: boolean
  businessTimezone: string
  loginRateLimitPerMinute: number
  loginLockoutThreshold: number
  shutdownTimeoutMs: number
  /** Limits on how long clients may take, against slow clients holding connections open. */
  http: {
    /** To send the request head (line and headers). */
    headersTimeoutMs: number
    /** To send the whole request, body included. */
    requestTimeoutMs: number
    /** How long an idle keep-alive connection stays open. */
    keepAliveTimeoutMs: number
  }
  workerConcurrency: number
  jobPollIntervalSeconds: number
  email: {
    from: string
    transport: 'outbox' | 'smtp' | 'ses'
    smtpUrl: string | undefined
    sesRegion: string | undefined
  }
  storage: {
    driver: 'local' | 's3'
    s3Bucket: string | undefined
    s3Region: string
    s3Endpoint: string | undefined
    s3ForcePathStyle: boolean
    /** How long a signed file URL stays valid. */
    urlTtlSeconds: number
  }
  cacheMaxEntries: number
  uploadMaxBytes: number
  imageMaxPixels: number
  emailVerificationTtlSeconds: number
  passwordResetTtlSeconds: number
  /** ISO 4217 currency of payments owed to suppliers. */
  paymentCurrency: string
  /** Monthly discount rate of anticipations, as a decimal string ("0.03" = 3 % a month). */
  anticipationMonthlyRate: string
  bookings: {
    /** When guests whose stay starts the next day are emailed (cron, business time zone). */
    reminderCron: string
    /** How long hotel searches and room lists are cached. */
    cacheTtlSeconds: number
  }
  /** Guests pay bookings through Stripe (STRIPE_*, BOOKING_CURRENCY, BOOKING_PAYMENT_HOLD). */
  billing: BillingConfig
  /** ISO 4217 currency of complaint refunds. */
  refundCurrency: string
  /** Amounts above which approving needs two people (decimal strings); undefined: one is enough. */
  approvalThresholds: { complaintRefund: string | undefined; earlyPayment: string | undefined }
  /** Complaints one user may file in any 24 hours. */
  complaintsPerDay: number
  /** Single sign-on with OpenID Connect providers (OIDC_<NAME>_*), and where it lands. */
  sso: SsoConfig
  /** Metrics and error reports (traces are switched on before start-up: see `tracingSettings`). */
  telemetry: TelemetryConfig
  payouts: {
    /** manual: recorded for a person to pay and mark paid; wise: paid through Wise's API. */
    provider: 'manual' | 'wise'
    wise: {
      apiToken: string | undefined
      /** The profile that pays; when absent, the token's business profile (or its first). */
      profileId: number | undefined
      baseUrl: string
      timeoutMs: number
    }
  }
}

export class ConfigError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
const NODE_ENVS = ['development', 'production', 'test'] as const
const EMAIL_TRANSPORTS = ['outbox', 'smtp', 'ses'] as const
const STORAGE_DRIVERS = ['local', 's3'] as const
const MIN_JWT_SECRET_BYTES = 32
const PAYOUT_PROVIDERS = ['manual', 'wise'] as const
const WISE_SANDBOX_URL = 'https://api.sandbox.transferwise.tech'

/** Parses the environment; throws a ConfigError that lists every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const read = new Reader(env, problems)

  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'development')
  const port = read.integer('PORT', 3000, 0, 65535)
  const host = read.string('HOST', '127.0.0.1')
  const dataDir = path.resolve(read.string('DATA_DIR', './data'))
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '')
  const databaseUrl = read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:'])
  const redisUrl = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:'])
  const smtpUrl = read.optionalUrl('SMTP_URL', ['smtp:', 'smtps:'])
  const s3Bucket = read.optionalString('S3_BUCKET')
  const jwtSecret = read.optionalString('JWT_SECRET')
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < MIN_JWT_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes long.`)
  } else if (jwtSecret === undefined && nodeEnv === 'production') {
    problems.push(
      `JWT_SECRET is required when NODE_ENV=production (at least ${MIN_JWT_SECRET_BYTES} bytes; e.g. \`openssl rand -base64 48\`).`,
    )
  }

  const config: Config = {
    nodeEnv,
    host,
    port,
    publicUrl,
    appUrl: read.url('APP_URL', publicUrl).replace(/\/+$/, ''),
    dataDir,
    seedDemo: read.boolean('SEED_DEMO', false),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    databaseUrl,
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    databasePreparedStatements: read.boolean('DATABASE_PREPARED_STATEMENTS', true),
    redisUrl,
    redisPrefix: read.string('REDIS_PREFIX', 'bureau:'),
    jwtSecret: jwtSecret ?? '',
    jwtAccessTtlSeconds: read.duration('JWT_ACCESS_TTL', 5 * 60),
    jwtRefreshTtlSeconds: read.duration('JWT_REFRESH_TTL', 24 * 60 * 60),
    corsOrigins: read.list('CORS_ORIGINS'),
    bodyLimitBytes: read.integer('BODY_LIMIT', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: read.boolean('TRUST_PROXY', false),
    businessTimezone: read.timezone('BUSINESS_TIMEZONE', 'UTC'),
    loginRateLimitPerMinute: read.integer('LOGIN_RATE_LIMIT_PER_MINUTE', 20, 1, 1_000_000),
    loginLockoutThreshold: read.integer('LOGIN_LOCKOUT_THRESHOLD', 5, 1, 1000),
    shutdownTimeoutMs: read.duration('SHUTDOWN_TIMEOUT', 10) * 1000,
    http: {
      headersTimeoutMs: read.duration('HTTP_HEADERS_TIMEOUT', 10, 3600) * 1000,
      requestTimeoutMs: read.duration('HTTP_REQUEST_TIMEOUT', 120, 3600) * 1000,
      keepAliveTimeoutMs: read.duration('HTTP_KEEP_ALIVE_TIMEOUT', 72, 3600) * 1000,
    },
    workerConcurrency: read.integer('WORKER_CONCURRENCY', 4, 1, 100),
    jobPollIntervalSeconds: read.decimal('JOB_POLL_INTERVAL', 0.5, 0.5, 60),
    email: {
      from: read.string('EMAIL_FROM', 'Bureau <no-reply@bureau.localhost>'),
      transport: read.oneOf('EMAIL_TRANSPORT', EMAIL_TRANSPORTS, smtpUrl ? 'smtp' : 'outbox'),
      smtpUrl,
      sesRegion: read.optionalString('SES_REGION'),
    },
    storage: {
      driver: read.oneOf('STORAGE_DRIVER', STORAGE_DRIVERS, s3Bucket ? 's3' : 'local'),
      s3Bucket,
      s3Region: read.string('S3_REGION', 'us-east-1'),
      s3Endpoint: read.optionalUrl('S3_ENDPOINT', ['http:', 'https:']),
      s3ForcePathStyle: read.boolean('S3_FORCE_PATH_STYLE', false),
      // S3 refuses presigned URLs valid for longer than 7 days.
      urlTtlSeconds: read.duration('FILE_URL_TTL', 3600, 7 * 86400),
    },
    cacheMaxEntries: read.integer('CACHE_MAX_ENTRIES', 10_000, 1, 10_000_000),
    uploadMaxBytes: read.integer('UPLOAD_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    imageMaxPixels: read.integer('IMAGE_MAX_PIXELS', 40_000_000, 1, 268_402_689),
    emailVerificationTtlSeconds: read.duration('EMAIL_VERIFICATION_TTL', 48 * 3600),
    passwordResetTtlSeconds: read.duration('PASSWORD_RESET_TTL', 3600),
    paymentCurrency: read.currency('PAYMENT_CURRENCY', 'BRL'),
    anticipationMonthlyRate: read.rate('ANTICIPATION_MONTHLY_RATE', '0.03'),
    bookings: {
      reminderCron: read.cron('BOOKING_REMINDER_CRON', '0 9 * * *'),
      cacheTtlSeconds: read.duration('BOOKING_CACHE_TTL', 30, 3600),
    },
    billing: readBilling(read, problems),
    ...readPayouts(read),
    approvalThresholds: {
      complaintRefund: read.optionalMoney('APPROVAL_THRESHOLD_COMPLAINT_REFUND'),
      earlyPayment: read.optionalMoney('APPROVAL_THRESHOLD_EARLY_PAYMENT'),
    },
    complaintsPerDay: read.integer('COMPLAINTS_PER_DAY', 10, 1, 1_000_000),
    sso: readSso(read, problems),
    telemetry: readTelemetry(read, nodeEnv, packageVersion()),
  }
  if (config.payouts.provider === 'wise' && !config.payouts.wise.apiToken) {
    problems.push('PAYOUT_PROVIDER=wise needs WISE_API_TOKEN.')
  }
  if (config.seedDemo && nodeEnv === 'production') {
    problems.push(
      'SEED_DEMO adds demo accounts with known passwords; it is refused when NODE_ENV=production.',
    )
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push('HTTP_HEADERS_TIMEOUT cannot be longer than HTTP_REQUEST_TIMEOUT.')
  }
  if (config.email.transport === 'smtp' && !smtpUrl) problems.push('EMAIL_TRANSPORT=smtp needs SMTP_URL.')
  if (config.storage.driver === 's3' && !s3Bucket) problems.push('STORAGE_DRIVER=s3 needs S3_BUCKET.')
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

/** Complaint refunds and payouts: REFUND_CURRENCY, PAYOUT_PROVIDER and WISE_*. */
function readPayouts(read: Reader): Pick<Config, 'refundCurrency' | 'payouts'> {
  const apiToken = read.optionalString('WISE_API_TOKEN')
  const profileId = read.integer('WISE_PROFILE_ID', 0, 1, Number.MAX_SAFE_INTEGER)
  return {
    refundCurrency: read.currency('REFUND_CURRENCY', 'EUR'),
    payouts: {
      provider: read.oneOf('PAYOUT_PROVIDER', PAYOUT_PROVIDERS, apiToken ? 'wise' : 'manual'),
      wise: {
        apiToken,
        profileId: profileId === 0 ? undefined : profileId,
        baseUrl: read.url('WISE_BASE_URL', WISE_SANDBOX_URL).replace(/\/+$/, ''),
        timeoutMs: read.duration('WISE_TIMEOUT', 15) * 1000,
      },
    },
  }
}

/** Bureau's version, from package.json (the default release of error reports). */
function packageVersion(): string {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json')
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

/** Whether this process exports traces (OTEL_* variables); for the `--import` hook. */
export function tracingSettings(env: Env = process.env): {
  enabled: boolean
  exporter: string | undefined
  serviceName: string
} {
  return {
    enabled: tracingEnabled(env),
    exporter: env.OTEL_TRACES_EXPORTER?.trim(),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'bureau',
  }
}

/**
 * Outside production a missing JWT_SECRET is generated once and kept in DATA_DIR, so tokens survive
 * restarts of the embedded server without any setup.
 */
export function withDevelopmentSecret(config: Config): Config {
  if (config.jwtSecret !== '') return config
  const file = path.join(config.dataDir, 'jwt-secret')
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true })
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
  }
  return { ...config, jwtSecret: readFileSync(file, 'utf8').trim() }
}
