/** The API's error shape (RFC 9457 problem+json), as every route answers its 4xx and 5xx. */
export interface Problem {
  status: number
  title?: string
  code?: string
  detail?: string
  request_id?: string
  errors?: Record<string, string[]>
}

export class ApiError extends Error {
  readonly problem: Problem

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `The request failed (${problem.status}).`)
    this.problem = problem
  }

  /** The API's messages for one field (or `non_field_errors`). */
  field(name: string): string[] {
    return this.problem.errors?.[name] ?? []
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).status === 'number'
}

/** The body of an openapi-fetch answer, or an ApiError carrying the API's problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const problem = isProblem(result.error)
      ? result.error
      : { status: result.response.status, detail: `The request failed (${result.response.status}).` }
    throw new ApiError(problem)
  }
  return result.data as T
}
