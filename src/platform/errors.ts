/**
 * The errors services throw. They carry no HTTP: one error handler maps each kind to a status, so the
 * same service code runs in a route and in a job.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  /** Well-formed, but cannot be processed as sent (an Idempotency-Key reused for another request). */
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'

export type FieldErrors = Record<string, string[]>

export class AppError extends Error {
  readonly kind: ErrorKind
  /** Stable snake_case code for programs. */
  readonly code: string
  readonly fieldErrors: FieldErrors | undefined
  /** Seconds a client should wait before retrying (rate limits, lockouts). */
  readonly retryAfterSeconds: number | undefined

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: { fieldErrors?: FieldErrors; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.kind = kind
    this.code = code
    this.fieldErrors = options.fieldErrors
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

export const NON_FIELD_ERRORS = 'non_field_errors'

/** A validation failure on one field (or on the request as a whole with NON_FIELD_ERRORS). */
export function invalid(field: string, message: string): AppError {
  return invalidFields({ [field]: [message] })
}

export function invalidFields(fieldErrors: FieldErrors): AppError {
  return new AppError('invalid', 'validation_failed', 'Invalid request.', { fieldErrors })
}

export function notFound(what: string, code = 'not_found'): AppError {
  return new AppError('not_found', code, `${what} not found.`)
}

export function conflict(code: string, message: string): AppError {
  return new AppError('conflict', code, message)
}

export function forbidden(message = 'You do not have permission to perform this action.'): AppError {
  return new AppError('forbidden', 'forbidden', message)
}

export function unauthenticated(code: string, message: string): AppError {
  return new AppError('unauthenticated', code, message)
}

/** Collects field errors so every problem of a request is reported at once. */
export class FieldErrorCollector {
  private readonly errors: FieldErrors = {}

  add(field: string, message: string): void {
    ;(this.errors[field] ??= []).push(message)
  }

  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw invalidFields(this.errors)
  }
}
