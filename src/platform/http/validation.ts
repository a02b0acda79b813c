import { Ajv, type ErrorObject, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import { AppError, NON_FIELD_ERRORS, type FieldErrors } from '../errors.ts'

/**
 * Request validation. Bodies are checked as sent (a number is not a string, unknown fields are
 * errors); query strings and path parameters arrive as text and are coerced to their declared types.
 */
function createAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes,
    strict: false,
    // Errors then carry their schema, so a schema's `x-error` message can be shown.
    verbose: true,
  })
  // ajv-formats ships as CommonJS; its default export is the plugin function.
  addFormats.default(ajv)
  return ajv
}

const bodyAjv = createAjv(false)
const textAjv = createAjv('array')

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema)

/**
 * Field names come from clients: an object without a prototype keeps `constructor` or `__proto__` a
 * field like any other, instead of a method it inherits.
 */
function emptyFieldErrors(): FieldErrors {
  return Object.create(null) as FieldErrors
}

/** Turns Ajv's errors into field → messages, in words a person reads. */
export function toFieldErrors(
  errors: readonly Partial<ErrorObject>[],
  part: string | undefined,
): FieldErrors {
  const fields = emptyFieldErrors()
  for (const error of errors) {
    const { field, message } = describe(error, part)
    const messages = (fields[field] ??= [])
    if (!messages.includes(message)) messages.push(message)
  }
  return withoutAlternativeNoise(fields)
}

const MUST_BE_NULL = 'Must be null.'
const INVALID_VALUE = 'Invalid value.'

/**
 * A "value or null" field that fails reports why the value is wrong, not also that it is not null and
 * that no alternative matched; and a nested object whose fields have errors is not itself "invalid".
 */
function withoutAlternativeNoise(fields: FieldErrors): FieldErrors {
  const names = Object.keys(fields)
  const cleaned = emptyFieldErrors()
  for (const [field, messages] of Object.entries(fields)) {
    const hasNestedErrors = names.some((name) => name.startsWith(`${field}.`))
    const specific = messages.filter((message) => message !== MUST_BE_NULL && message !== INVALID_VALUE)
    if (specific.length > 0) cleaned[field] = specific
    else if (!hasNestedErrors)
      cleaned[field] =
        messages.filter((message) => message !== MUST_BE_NULL).length > 0 ? [INVALID_VALUE] : messages
  }
  return cleaned
}

function describe(error: Partial<ErrorObject>, part: string | undefined): { field: string; message: string } {
  const path = (error.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
  const params = (error.params ?? {}) as Record<string, unknown>
  // A problem with the body as a whole is not about one field.
  const at = (extra?: unknown) =>
    [...path, ...(typeof extra === 'string' ? [extra] : [])].join('.') ||
    (part === undefined || part === 'body' ? 'non_field_errors' : part)
  // A schema's `x-error` explains its pattern or format in words; other checks keep their own message.
  const custom = (error.parentSchema as { 'x-error'?: string } | undefined)?.['x-error']
  if (custom !== undefined && (error.keyword === 'pattern' || error.keyword === 'format')) {
    return { field: at(), message: custom }
  }
  switch (error.keyword) {
    case 'required':
      return { field: at(params.missingProperty), message: 'This field is required.' }
    case 'additionalProperties':
      return { field: at(params.additionalProperty), message: 'Unknown field.' }
    case 'type':
      return { field: at(), message: typeMessage(String(params.type)) }
    case 'minLength':
      return Number(params.limit) === 1
        ? { field: at(), message: 'This field may not be blank.' }
        : { field: at(), message: `Ensure this field has at least ${String(params.limit)} characters.` }
    case 'maxLength':
      return {
        field: at(),
        message: `Ensure this field has no more than ${String(params.limit)} characters.`,
      }
    case 'minimum':
      return {
        field: at(),
        message: `Ensure this value is greater than or equal to ${String(params.limit)}.`,
      }
    case 'maximum':
      return { field: at(), message: `Ensure this value is less than or equal to ${String(params.limit)}.` }
    case 'exclusiveMinimum':
      return { field: at(), message: `Ensure this value is greater than ${String(params.limit)}.` }
    case 'exclusiveMaximum':
      return { field: at(), message: `Ensure this value is less than ${String(params.limit)}.` }
    case 'minItems':
      return { field: at(), message: `Ensure this list has at least ${String(params.limit)} items.` }
    case 'maxItems':
      return { field: at(), message: `Ensure this list has no more than ${String(params.limit)} items.` }
    case 'uniqueItems':
      return { field: at(), message: 'Items must not repeat.' }
    case 'enum':
      return {
        field: at(),
        message: `Must be one of: ${(params.allowedValues as unknown[]).map((value) => String(value)).join(', ')}.`,
      }
    case 'const':
      return { field: at(), message: `Must be ${String(params.allowedValue)}.` }
    case 'format':
      return { field: at(), message: formatMessage(String(params.format)) }
    case 'pattern':
      return { field: at(), message: 'Invalid format.' }
    case 'anyOf':
    case 'oneOf':
      return { field: at(), message: 'Invalid value.' }
    default:
      return { field: at(), message: error.message ?? 'Invalid value.' }
  }
}

function typeMessage(type: string): string {
  if (type.includes('integer')) return 'A valid integer is required.'
  if (type.includes('number')) return 'A valid number is required.'
  if (type.includes('boolean')) return 'Must be true or false.'
  if (type.includes('array')) return 'Expected a list of items.'
  if (type.includes('object')) return 'Expected an object.'
  if (type.includes('string')) return 'Not a valid string.'
  if (type === 'null') return 'Must be null.'
  return `Expected ${type}.`
}

function formatMessage(format: string): string {
  switch (format) {
    case 'email':
      return 'Enter a valid email address.'
    case 'date':
      return 'Date has wrong format. Use YYYY-MM-DD.'
    case 'date-time':
      return 'Timestamp has wrong format. Use ISO 8601.'
    case 'uuid':
      return 'Must be a valid UUID.'
    case 'uri':
    case 'url':
      return 'Enter a valid URL.'
    default:
      return `Must be a valid ${format}.`
  }
}

const NUL_MESSAGE = 'Null characters (\\u0000) are not allowed.'

/**
 * How deep arrays and objects may nest in a request. Bureau's own bodies nest three or four levels;
 * anything much deeper is an attack on whatever walks it (a recursive walk overflows the stack).
 */
export const MAX_NESTING_DEPTH = 32

/** Whether `value` nests arrays or objects more than `limit` levels deep; stops at the first too deep. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: object; depth: number }[] = []
  if (value !== null && typeof value === 'object') pending.push({ value, depth: 1 })
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > limit) return true
    for (const item of Object.values(next.value)) {
      if (item !== null && typeof item === 'object')
        pending.push({ value: item as object, depth: next.depth + 1 })
    }
  }
  return false
}

/** Refuses request parts (a JSON body, a query string) that nest deeper than MAX_NESTING_DEPTH. */
export function assertNestingWithinLimit(...parts: unknown[]): void {
  if (!parts.some((part) => nestedDeeperThan(part, MAX_NESTING_DEPTH))) return
  const message = `Arrays and objects may not nest more than ${MAX_NESTING_DEPTH} levels deep.`
  throw new AppError('invalid', 'too_deeply_nested', message, {
    fieldErrors: { [NON_FIELD_ERRORS]: [message] },
  })
}

/** A value met while walking a request part; its path is rebuilt from its parents only when needed. */
interface Visit {
  value: unknown
  key: string | undefined
  parent: Visit | undefined
}

function fieldOf(visit: Visit, lastKey?: string): string {
  const keys = lastKey === undefined ? [] : [lastKey]
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key)
  return keys.reverse().join('.') || NON_FIELD_ERRORS
}

/**
 * Where a request part holds a null character (U+0000), which no PostgreSQL text can store: by field,
 * named as validation names them (`a.b.0`), `non_field_errors` for the part itself. Walks without
 * recursion, so no nesting overflows the stack, and in time linear in the size of the value.
 */
export function nullCharacterErrors(value: unknown): FieldErrors {
  const errors = emptyFieldErrors()
  const pending: Visit[] = [{ value, key: undefined, parent: undefined }]
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const current = visit.value
    if (typeof current === 'string') {
      if (current.includes('\u0000')) errors[fieldOf(visit)] = [NUL_MESSAGE]
    } else if (current !== null && typeof current === 'object') {
      // Reversed, so that fields are reported in the order they were sent.
      for (const [key, item] of Object.entries(current).reverse()) {
        if (key.includes('\u0000')) errors[fieldOf(visit, key)] = [NUL_MESSAGE]
        else pending.push({ value: item, key, parent: visit })
      }
    }
  }
  return errors
}
