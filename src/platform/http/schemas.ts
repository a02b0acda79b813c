import { Type, type TSchema } from 'typebox'

/** The problem+json body every error response uses. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ examples: ['about:blank'] }),
    title: Type.String({ examples: ['Bad Request'] }),
    status: Type.Integer({ examples: [400] }),
    code: Type.String({
      description: 'Stable snake_case code for programs.',
      examples: ['validation_failed'],
    }),
    detail: Type.String({ examples: ['Invalid request.'] }),
    request_id: Type.String({ description: 'Also in the server logs.', examples: ['req-1x'] }),
    errors: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description:
          'Field → messages, for validation failures; `non_field_errors` for the request as a whole.',
        examples: [{ email: ['Enter a valid email address.'] }],
      }),
    ),
  },
  { title: 'Problem', description: 'RFC 9457 problem details.' },
)

export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Id.' }),
})

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Page number, from 1.' })),
  page_size: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, description: 'Items per page (default 10).' }),
  ),
}

/** A DRF-style page of `item`. */
export function PageOf<T extends TSchema>(item: T, title: string) {
  return Type.Object(
    {
      count: Type.Integer({ description: 'Items across all pages.' }),
      next: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
        description: 'URL of the next page.',
      }),
      previous: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
        description: 'URL of the previous page.',
      }),
      results: Type.Array(item),
    },
    { title },
  )
}

/** Timestamps are ISO 8601 in UTC. */
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-01-31T12:00:00.000Z'] })

export const NoContent = Type.Null({ description: 'No content.' })

/**
 * Spread into a string schema that must hold more than spaces. In a sub-schema of its own: a schema's
 * `x-error` replaces the message of every problem found by that schema, and a name that is too long
 * or not a string is not blank.
 */
export const NOT_BLANK = { allOf: [{ pattern: '\\S', 'x-error': 'This field may not be blank.' }] }

/** The approvals given so far to a decision that needs two people (money controls). */
export const Approvals = Type.Array(
  Type.Object({
    user: Type.Integer({ description: 'Who approved.', examples: [3] }),
    at: Timestamp,
  }),
  {
    description:
      'Approvals recorded so far when the amount is above its approval threshold (two different people must approve); empty otherwise.',
  },
)

export const ApprovalsRequired = Type.Integer({
  minimum: 1,
  maximum: 2,
  description: 'How many different people must approve: 2 above the approval threshold, else 1.',
  examples: [1],
})
