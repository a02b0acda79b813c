import { invalid } from '../../platform/errors.ts'

/**
 * A `?status=` filter: case-insensitive, one of `allowed`, or a 400 on `status` naming them; absent
 * (or empty) means no filter.
 */
export function parseStatusFilter<T extends string>(
  status: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (status === undefined) return undefined
  const upper = status.toUpperCase()
  if ((allowed as readonly string[]).includes(upper)) return upper as T
  throw invalid('status', `Select a valid choice: ${allowed.join(', ')}.`)
}
