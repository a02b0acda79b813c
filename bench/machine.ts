import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'

export interface Machine {
  cores: number
  cpu: string
  memoryGiB: number
  node: string
}

export function describeMachine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
  }
}

/** `uptime` as the shell prints it (load averages over 1, 5 and 15 minutes). */
export function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8', timeout: 5_000 }).trim()
  } catch {
    return `load average: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`
  }
}

/**
 * Waits, up to `maxWaitSeconds`, for the 1-minute load average to fall to `maxLoad` (other work on the
 * machine, or the data generation itself, skews every figure). Returns the load it measured at.
 */
export async function waitForQuiet(
  maxLoad: number,
  maxWaitSeconds: number,
  say: (line: string) => void,
): Promise<{ load: number; waitedSeconds: number; quiet: boolean }> {
  const started = Date.now()
  let announced = false
  for (;;) {
    const load = loadavg()[0] ?? 0
    const waitedSeconds = Math.round((Date.now() - started) / 1000)
    if (load <= maxLoad) return { load, waitedSeconds, quiet: true }
    if (waitedSeconds >= maxWaitSeconds) {
      say(
        `  load average still ${load.toFixed(2)} after ${waitedSeconds} s: measuring anyway (noted in the results)`,
      )
      return { load, waitedSeconds, quiet: false }
    }
    if (!announced) {
      say(
        `  load average ${load.toFixed(2)} > ${maxLoad}: waiting up to ${maxWaitSeconds} s for a quieter moment`,
      )
      announced = true
    }
    await new Promise((resolve) => setTimeout(resolve, 10_000))
  }
}
