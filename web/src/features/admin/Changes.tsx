/**
 * A value of an audit event's `changes`, in words: `{from, to}` as "from → to", lists joined,
 * other objects as `Key: value`.
 */
export function changeText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.length ? value.map(changeText).join(', ') : 'none'
  if (typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 2 && 'from' in value && 'to' in value)
      return `${changeText(value.from)} → ${changeText(value.to)}`
    return Object.entries(value)
      .map(([key, inner]) => `${labelOf(key)}: ${changeText(inner)}`)
      .join('; ')
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '—'
}

function labelOf(key: string): string {
  const words = key.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** What an audit event changed, one line per field. */
export function Changes({ changes }: { changes: Record<string, unknown> }) {
  const entries = Object.entries(changes)
  if (entries.length === 0) return <span className="muted">—</span>
  return (
    <dl className="changes">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{labelOf(key)}</dt>
          <dd>{changeText(value)}</dd>
        </div>
      ))}
    </dl>
  )
}
