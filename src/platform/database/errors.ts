/** PostgreSQL error codes Bureau turns into domain errors (both drivers expose `code`). */
const UNIQUE_VIOLATION = '23505'
const FOREIGN_KEY_VIOLATION = '23503'

interface PostgresError {
  code: string
  constraint?: string
}

function isPostgresError(error: unknown): error is PostgresError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
}

/** True when `error` is a unique violation, of `constraint` when one is named. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return (
    isPostgresError(error) &&
    error.code === UNIQUE_VIOLATION &&
    (!constraint || error.constraint === constraint)
  )
}

export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return (
    isPostgresError(error) &&
    error.code === FOREIGN_KEY_VIOLATION &&
    (!constraint || error.constraint === constraint)
  )
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '53300', // too_many_connections
])

/**
 * node-postgres's own words for a connection lost or never made: the server went away mid-session, a
 * client already broken by that, or no connection within the pool's connection timeout.
 */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|is not queryable|timeout exceeded when trying to connect/i

/** True when the database could not be reached (as opposed to rejecting a query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isPostgresError(error) && UNAVAILABLE_CODES.has(error.code)) return true
  return error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message)
}

/** Errors that say the database's files are damaged, not that a query was wrong. */
const CORRUPTION_CODES = new Set([
  'XX001', // data_corrupted
  'XX002', // index_corrupted
  '58030', // io_error
  '58P01', // undefined_file
])

export function isCorruptionError(error: unknown): boolean {
  return isPostgresError(error) && CORRUPTION_CODES.has(error.code)
}
