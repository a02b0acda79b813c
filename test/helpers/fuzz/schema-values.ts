import fc from 'fast-check'
import { Entries, nastyString, onceIn, wrongValue, type Json } from './json.ts'

/** The part of JSON Schema that Bureau's OpenAPI document uses. */
export interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  enum?: Json[]
  const?: Json
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  maxItems?: number
  examples?: Json[]
}

/** The test app's clock stands on 2026-03-02: dates around it pass or fail the date rules. */
const TODAY_MS = Date.UTC(2026, 2, 2)

const isoDate = (offsetDays: number) =>
  new Date(TODAY_MS + offsetDays * 86_400_000).toISOString().slice(0, 10)

const dateText = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 45 }).map(isoDate) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map(isoDate) },
  { weight: 1, arbitrary: nastyString },
)

/** Ids of the objects the fuzzer creates first (ids start at 1 in its fresh database), or none. */
export const idLike = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 2_147_483_650 }) },
)

/**
 * Values for a schema: mostly what it asks for (its examples, its formats, its limits), now and then a
 * value that is wrong for it in one of the ways clients get values wrong.
 */
export function valueFor(schema: Schema, depth = 0): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 11, arbitrary: fittingValue(schema, depth) },
    { weight: 1, arbitrary: fc.oneof(wrongValue, justOutside(schema)) },
  )
}

function fittingValue(schema: Schema, depth: number): fc.Arbitrary<Json> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => fittingValue(alternative, depth)))
  if (depth > 5) return wrongValue
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'object':
      return objectFor(schema, depth)
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, depth + 1), {
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      })
    case 'string':
      return stringFor(schema)
    case 'integer':
      return fc.oneof(idLike, fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 }))
    case 'number':
      return fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100)
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    default:
      return wrongValue
  }
}

/** Values at the wrong side of a schema's own limits. */
function justOutside(schema: Schema): fc.Arbitrary<Json> {
  const edges: Json[] = []
  if (schema.maxLength !== undefined) edges.push('x'.repeat(schema.maxLength + 1))
  if (schema.minLength !== undefined && schema.minLength > 0) edges.push('')
  if (schema.minimum !== undefined) edges.push(schema.minimum - 1, schema.minimum - 0.5)
  if (schema.maximum !== undefined) edges.push(schema.maximum + 1)
  const first = schema.enum?.[0]
  if (schema.enum) edges.push('', 'ZZ', typeof first === 'string' ? first.toLowerCase() : 'a')
  return edges.length > 0 ? fc.constantFrom(...edges) : wrongValue
}

/** Strings from the schema's examples, format or pattern; any short string when it has none. */
function stringFor(schema: Schema): fc.Arbitrary<Json> {
  const choices: fc.Arbitrary<Json>[] = []
  if (schema.examples?.length) choices.push(fc.constantFrom(...schema.examples))
  if (schema.format === 'date') choices.push(dateText)
  if (schema.format === 'date-time')
    choices.push(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()))
  if (schema.format === 'email') choices.push(fc.emailAddress())
  if (schema.format === 'uri') choices.push(fc.webUrl())
  for (const pattern of [schema.pattern, ...(schema.allOf ?? []).map((part) => part.pattern)]) {
    if (pattern !== undefined) choices.push(matching(pattern))
  }
  if (choices.length === 0) {
    const minLength = schema.minLength ?? 0
    choices.push(
      fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 30, 30)) }),
    )
  }
  return fc.oneof(...choices)
}

function matching(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern, 'u'))
  } catch {
    return nastyString
  }
}

/** An object: required fields nearly always, optional ones half the time; an unknown or repeated key now and then. */
function objectFor(schema: Schema, depth: number): fc.Arbitrary<Json> {
  const properties = Object.entries(schema.properties ?? {})
  const required = new Set(schema.required ?? [])
  const fields = properties.map(([name, property]) =>
    fc
      .option(valueFor(property, depth + 1), { freq: required.has(name) ? 12 : 2, nil: undefined })
      .map((value) => (value === undefined ? undefined : ([name, value] as const))),
  )
  const extraKey = fc.constantFrom('unknown', 'id', 'status', 'created_at', '__proto__', 'constructor', '')
  return fc
    .tuple(
      fc.tuple(...fields),
      onceIn(10, fc.tuple(extraKey, wrongValue)),
      onceIn(12, fc.tuple(fc.nat(), valueFor({}, depth + 1))),
    )
    .map(([chosen, extra, repeat]) => {
      const entries: (readonly [string, Json])[] = chosen.filter((field) => field !== undefined)
      if (extra) entries.push(extra)
      const repeated = repeat && entries.length > 0 ? entries[repeat[0] % entries.length] : undefined
      if (repeat && repeated) entries.push([repeated[0], repeat[1]])
      return new Entries(entries)
    })
}
