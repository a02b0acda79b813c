import { formatCents, parseMoney } from './platform/validation/money.ts'

/** The variables config.ts reads (process.env in a running server). */
export type Env = Record<string, string | undefined>

const MONEY_BELOW = '10000000000' // numeric(12, 2)

/**
 * Reads and checks one variable at a time for config.ts, collecting every problem instead of
 * stopping at the first. It reads the object it is given, never process.env itself.
 */
export class Reader {
  private readonly env: Env
  private readonly problems: string[]

  constructor(env: Env, problems: string[]) {
    this.env = env
    this.problems = problems
  }

  /** Names of the variables that are set and match `pattern` (families such as OIDC_<NAME>_ISSUER). */
  namesMatching(pattern: RegExp): string[] {
    return Object.keys(this.env)
      .filter((name) => pattern.test(name) && this.raw(name) !== undefined)
      .sort()
  }

  /** An empty variable counts as unset, as in most .env tooling. */
  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  optionalString(name: string): string | undefined {
    return this.raw(name)
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}").`)
      return fallback
    }
    return Number(value)
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase()
    if (value === undefined) return fallback
    if (['1', 'true', 'yes', 'on'].includes(value)) return true
    if (['0', 'false', 'no', 'off'].includes(value)) return false
    this.problems.push(`${name} must be true or false (got "${value}").`)
    return fallback
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}").`)
    return fallback
  }

  /** Seconds, or a number with a unit: 90, 90s, 5m, 12h, 7d. */
  duration(name: string, fallbackSeconds: number, maxSeconds = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name)
    if (value === undefined) return fallbackSeconds
    const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }
    const match = /^(\d+)\s*([smhd]?)$/.exec(value)
    const seconds = match ? Number(match[1]) * (units[match[2] ?? ''] ?? NaN) : NaN
    if (!Number.isSafeInteger(seconds) || seconds <= 0) {
      this.problems.push(
        `${name} must be a positive duration such as 300, 90s, 5m, 12h or 7d (got "${value}").`,
      )
      return fallbackSeconds
    }
    if (seconds > maxSeconds) {
      this.problems.push(`${name} can be at most ${maxSeconds} seconds (got "${value}").`)
      return fallbackSeconds
    }
    return seconds
  }

  url(name: string, fallback: string): string {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) {
      this.problems.push(`${name} must be an absolute http(s) URL (got "${value}").`)
      return fallback
    }
    return value
  }

  currency(name: string, fallback: string): string {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!Intl.supportedValuesOf('currency').includes(value)) {
      this.problems.push(`${name} must be an ISO 4217 currency code such as BRL or EUR (got "${value}").`)
      return fallback
    }
    return value
  }

  /** A rate as a decimal fraction from 0 to 1 exclusive, kept as text so no float touches money. */
  rate(name: string, fallback: string): string {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!/^0?\.\d{1,6}$|^0$/.test(value)) {
      this.problems.push(
        `${name} must be a fraction such as 0.03 (at most 6 decimals, below 1; got "${value}").`,
      )
      return fallback
    }
    return value.startsWith('.') ? `0${value}` : value
  }

  /** An amount of money ("50000.00"), read digit by digit (never as a float); unset: undefined. */
  optionalMoney(name: string): string | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    const cents = parseMoney(value, { min: '0', below: MONEY_BELOW })
    if (typeof cents !== 'string') return formatCents(cents)
    this.problems.push(`${name} must be an amount such as 50000.00: ${cents} (got "${value}").`)
    return undefined
  }

  /** A number with an optional fraction, e.g. 0.5. */
  decimal(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max} (got "${value}").`)
      return fallback
    }
    return Number(value)
  }

  /** A five-field cron schedule (minute hour day-of-month month day-of-week). */
  cron(name: string, fallback: string): string {
    const value = this.raw(name)
    if (value === undefined) return fallback
    const fields = value.split(/\s+/)
    if (fields.length !== 5 || !fields.every((field) => /^[\d*,/-]+$/.test(field))) {
      this.problems.push(`${name} must be a five-field cron schedule such as "0 9 * * *" (got "${value}").`)
      return fallback
    }
    return fields.join(' ')
  }

  optionalUrl(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    if (!URL.canParse(value) || !protocols.includes(new URL(value).protocol)) {
      this.problems.push(
        `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}.`,
      )
      return undefined
    }
    return value
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  }

  timezone(name: string, fallback: string): string {
    const value = this.raw(name)
    if (value === undefined) return fallback
    try {
      new Intl.DateTimeFormat('en', { timeZone: value })
      return value
    } catch {
      this.problems.push(
        `${name} must be an IANA time zone such as UTC or America/Sao_Paulo (got "${value}").`,
      )
      return fallback
    }
  }
}
