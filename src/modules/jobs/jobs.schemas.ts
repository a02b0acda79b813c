import { Type, type Static } from 'typebox'
import { PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const JobStateSchema = Type.Union([
  Type.Literal('created'),
  Type.Literal('retry'),
  Type.Literal('active'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('failed'),
])

export const Job = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    queue: Type.String({ description: 'What the job does: send-email, fund-payout, process-image, …' }),
    state: Type.Union(JobStateSchema.anyOf, {
      description: 'created (waiting), retry (waiting to run again), active, completed, cancelled or failed.',
    }),
    attempts: Type.Integer({ description: 'Runs so far.' }),
    max_attempts: Type.Integer({ description: 'Runs it gets in all before it fails for good.' }),
    created_at: Timestamp,
    started_at: Type.Union([Timestamp, Type.Null()]),
    completed_at: Type.Union([Timestamp, Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()], {
      description: 'The error of its last failed run.',
    }),
  },
  { additionalProperties: false, title: 'Job' },
)

export const JobsQuery = Type.Object({
  state: Type.Optional(
    Type.Union(JobStateSchema.anyOf, {
      description: 'Only jobs in this state (failed: the ones that used up their runs).',
    }),
  ),
  ...PageQuery,
})
export type JobsQuery = Static<typeof JobsQuery>

export const JobsPage = PageOf(Job, 'JobsPage')

export const JobIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
