/** Fields whose values identify a bank account: the audit log keeps only their last 4 characters. */
const ACCOUNT_FIELDS = new Set(['iban', 'account_number'])

/** "DE89370400440532013000" → "••••3000"; short values are masked whole. */
export function maskAccountNumber(value: string): string {
  return value.length > 4 ? `••••${value.slice(-4)}` : '••••'
}

/** A copy of `value` with every account number and IBAN (at any depth) masked. */
export function maskAccountNumbers<T>(value: T): T {
  return mask(value, false) as T
}

function mask(value: unknown, sensitive: boolean): unknown {
  if (typeof value === 'string') return sensitive ? maskAccountNumber(value) : value
  if (Array.isArray(value)) return value.map((item) => mask(item, sensitive))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mask(item, sensitive || ACCOUNT_FIELDS.has(key))]),
    )
  }
  return value
}
