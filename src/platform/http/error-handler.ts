import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type ErrorKind } from '../errors.ts'
import { isDatabaseUnavailable } from '../database/errors.ts'
import { problem, sendProblem } from './problem.ts'
import { toFieldErrors } from './validation.ts'

/** Exported for code that must record a problem before sending it (idempotent replays). */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
}

/** Fastify's own client errors, with the stable code and wording the API uses for them. */
const FRAMEWORK_ERRORS: Record<string, { code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', detail: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    detail: 'Unsupported media type; send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_content_length',
    detail: 'Content-Length does not match the body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed_json', detail: 'The body is empty; send a JSON document.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json', detail: 'The body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'bad_url', detail: 'The URL is malformed.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'uri_too_long', detail: 'A part of the path is too long.' },
}

export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof AppError) {
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds))
    // RFC 9110: a 401 names the scheme that would authenticate the request.
    if (error.kind === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="api"')
    return sendProblem(
      reply,
      problem(request, STATUS_OF_KIND[error.kind], error.code, error.message, error.fieldErrors),
    )
  }
  if (error.validation) {
    const errors = toFieldErrors(error.validation, error.validationContext)
    return sendProblem(reply, problem(request, 400, 'validation_failed', 'Invalid request.', errors))
  }
  const known = FRAMEWORK_ERRORS[error.code]
  if (known && error.statusCode !== undefined) {
    return sendProblem(reply, problem(request, error.statusCode, known.code, known.detail))
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return sendProblem(reply, problem(request, 400, 'malformed_json', 'The body is not valid JSON.'))
  }
  if (error.statusCode === 429) {
    return sendProblem(reply, problem(request, 429, 'rate_limited', error.message))
  }
  if (isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'database unavailable')
    return sendProblem(
      reply,
      problem(
        request,
        503,
        'service_unavailable',
        'The service is temporarily unavailable; try again shortly.',
      ),
    )
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, problem(request, error.statusCode, 'bad_request', error.message))
  }
  // The cause stays in the logs, under the request id the client is given.
  request.log.error({ err: error }, 'unhandled error')
  return sendProblem(
    reply,
    problem(
      request,
      500,
      'internal_error',
      `Something went wrong on our side. Quote ${request.id} when reporting it.`,
    ),
  )
}
