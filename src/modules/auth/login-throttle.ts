import { createHash } from 'node:crypto'

/** Failed logins older than this are forgotten. */
export const FAILURE_MEMORY_MS = 60 * 60 * 1000
export const FIRST_LOCK_SECONDS = 30
export const LONGEST_LOCK_SECONDS = 15 * 60

/** The throttle key of an account: a hash of its normalised email, whether the account exists or not. */
export function loginAccountKey(email: string): string {
  return createHash('sha256').update(`login:${email.trim().toLowerCase()}`).digest('hex')
}

/**
 * How long to lock an account after `failures` consecutive failed logins: nothing below the threshold,
 * then 30 s, doubling with each further failure, at most 15 minutes. The repository's
 * `reserveLoginAttempt` computes the same in SQL, in the update that counts the failure.
 */
export function lockoutSeconds(failures: number, threshold: number): number {
  if (failures < threshold) return 0
  return Math.min(FIRST_LOCK_SECONDS * 2 ** Math.min(failures - threshold, 20), LONGEST_LOCK_SECONDS)
}
