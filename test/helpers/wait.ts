import { setTimeout as sleep } from 'node:timers/promises'

export interface WaitOptions {
  /** Give up (and throw) after this long; a bound on a hang, never a measurement. */
  timeoutMs?: number
  /** How often to check. */
  intervalMs?: number
}

/**
 * Resolves once `condition` holds, checking it every `intervalMs`; throws `description` when it still
 * does not hold after `timeoutMs`. For behaviour that happens in the background (workers polling).
 */
export async function waitUntil(
  description: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 50 }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${description}`)
    await sleep(intervalMs)
  }
}
