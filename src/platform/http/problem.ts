import { STATUS_CODES } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FieldErrors } from '../errors.ts'

/** The one error body of the API (RFC 9457 problem details plus `code`, `request_id` and `errors`). */
export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail: string
  request_id: string
  errors?: FieldErrors
}

export function problem(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors?: FieldErrors,
): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail,
    request_id: request.id,
    ...(errors ? { errors } : {}),
  }
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body)
}
