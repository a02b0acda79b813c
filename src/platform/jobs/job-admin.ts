/**
 * The background jobs as an admin sees them: what ran, what waits, what failed and why, and a way to
 * run a failed one again. Reads pg-boss's own table (the platform owns the queue), newest first.
 */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

export const JOB_STATES: readonly JobState[] = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
]

export interface JobSummary {
  id: string
  queue: string
  state: JobState
  /** Runs so far (a job that has not started yet has 0). */
  attempts: number
  /** How many runs it gets in all. */
  max_attempts: number
  created_at: string
  started_at: string | null
  completed_at: string | null
  /** The error of its last failed run, if it failed. */
  last_error: string | null
}

export interface JobFilter {
  state?: JobState | undefined
  id?: string | undefined
}

export type RetryOutcome = 'retried' | 'not_found' | 'not_failed'

type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>

interface JobRow {
  id: string
  name: string
  state: JobState
  retry_count: number
  retry_limit: number
  created_on: Date | string
  started_on: Date | string | null
  completed_on: Date | string | null
  output: { error?: unknown } | null
}

export async function listJobs(
  executeSql: ExecuteSql,
  schema: string,
  filter: JobFilter,
  page: { limit: number; offset: number },
): Promise<{ count: number; results: JobSummary[] }> {
  const where = `($1::text is null or state::text = $1) and ($2::uuid is null or id = $2::uuid)`
  const values = [filter.state ?? null, filter.id ?? null]
  const counted = await executeSql(`select count(*)::int as count from ${schema}.job where ${where}`, values)
  const { rows } = await executeSql(
    `select id, name, state, retry_count, retry_limit, created_on, started_on, completed_on, output
     from ${schema}.job where ${where}
     order by created_on desc, id desc limit $3 offset $4`,
    [...values, page.limit, page.offset],
  )
  const [{ count } = { count: 0 }] = counted.rows as { count: number }[]
  return { count, results: (rows as JobRow[]).map(toSummary) }
}

/** The queue a job is in, and its state, for a retry. */
export async function findJob(
  executeSql: ExecuteSql,
  schema: string,
  id: string,
): Promise<{ name: string; state: JobState } | undefined> {
  const { rows } = await executeSql(`select name, state from ${schema}.job where id = $1::uuid`, [id])
  return (rows as { name: string; state: JobState }[])[0]
}

function toSummary(row: JobRow): JobSummary {
  const error = row.output?.error
  return {
    id: row.id,
    queue: row.name,
    state: row.state,
    attempts: row.state === 'created' ? row.retry_count : row.retry_count + (row.started_on ? 1 : 0),
    max_attempts: row.retry_limit + 1,
    created_at: new Date(row.created_on).toISOString(),
    started_at: row.started_on === null ? null : new Date(row.started_on).toISOString(),
    completed_at: row.completed_on === null ? null : new Date(row.completed_on).toISOString(),
    last_error:
      error === undefined || error === null
        ? null
        : typeof error === 'string'
          ? error
          : JSON.stringify(error),
  }
}
