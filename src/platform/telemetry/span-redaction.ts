import type { Attributes, Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace'

/** Attribute keys that name a secret or personal data; such attributes are dropped. */
const SECRET_KEY = /authorization|cookie|password|passwd|secret|token|iban|api[-_.]?key|signature/i
/** Attributes that hold a URL or a query string: every query value is hidden, the names are kept. */
const URL_KEYS = new Set(['url.full', 'url.query', 'http.url', 'http.target', 'url.original'])

/**
 * What leaves the process in a span: no header, password, token or IBAN whatever an
 * instrumentation records. Query strings carry sign-in codes, signed links and emails, so their
 * values are replaced; statements keep their placeholders (values are never recorded).
 */
export function redactAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {}
  for (const [key, value] of Object.entries(attributes)) {
    if (SECRET_KEY.test(key)) continue
    kept[key] = URL_KEYS.has(key) && typeof value === 'string' ? withoutQueryValues(key, value) : value
  }
  return kept
}

function withoutQueryValues(key: string, text: string): string {
  if (key === 'url.query') return hideValues(text)
  const at = text.indexOf('?')
  return at === -1 ? text : `${text.slice(0, at + 1)}${hideValues(text.slice(at + 1))}`
}

function hideValues(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      return equals === -1 ? pair : `${pair.slice(0, equals)}=REDACTED`
    })
    .join('&')
}

/**
 * Hands `inner` (the exporting processor) a redacted view of each finished span: the span's own
 * methods and fields, with its attributes and its events' attributes filtered.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  private readonly inner: SpanProcessor

  constructor(inner: SpanProcessor) {
    this.inner = inner
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext)
  }

  onEnd(span: ReadableSpan): void {
    const events = span.events.map((event) =>
      event.attributes ? { ...event, attributes: redactAttributes(event.attributes) } : event,
    )
    const view = Object.create(span, {
      attributes: { value: redactAttributes(span.attributes) },
      events: { value: events },
    }) as ReadableSpan
    this.inner.onEnd(view)
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush()
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }
}
