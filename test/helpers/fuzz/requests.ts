import fc from 'fast-check'
import { CREDENTIALS, IDENTITIES, oddClaims, type Credentials, type Identity } from './identities.ts'
import { jsonText, nastyString, nestedArrays, onceIn, wrongValue, type Json } from './json.ts'
import { multipartFor, type RawBody } from './multipart.ts'
import type { NamedSchema, Operation } from './operations.ts'
import { idLike, valueFor } from './schema-values.ts'

/** One request the fuzzer sends. */
export interface FuzzRequest {
  identity: Identity
  credentials: Credentials
  oddClaims: Record<string, unknown>
  method: string
  url: string
  headers: Record<string, string>
  body: Buffer | undefined
}

const textOf = (value: Json): string => (typeof value === 'string' ? value : jsonText(value))

/** Percent-encodes text for a URL; a lone surrogate becomes the bytes of U+FFFD, as a browser sends it. */
function encodeText(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
  }
}

/** URL text as clients get it wrong: bad escapes, encoded NULs and slashes, overlong values. */
const RAW_URL_TEXT = [
  '',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '%00',
  '..',
  '%2F',
  'x'.repeat(250),
  '1;x',
  '1%20',
  '0x10',
  '1e3',
  '-0',
  '+1',
  '%C2%A0',
]

/** Servers refuse request heads over 16 KB before Bureau sees them; longer URLs test nothing of it. */
const URL_VALUE_LIMIT = 4096

function urlValue(schema: NamedSchema['schema']): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: valueFor(schema).map((value) => encodeText(textOf(value)).slice(0, URL_VALUE_LIMIT)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_TEXT) },
  )
}

function pathFor(operation: Operation): fc.Arbitrary<string> {
  const values = operation.pathParameters.map(() =>
    fc.oneof(
      { weight: 4, arbitrary: idLike.map(String) },
      { weight: 2, arbitrary: urlValue({ type: 'integer' }) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_TEXT) },
    ),
  )
  return fc.tuple(...values).map((texts) => {
    let path = operation.path
    operation.pathParameters.forEach((parameter, index) => {
      path = path.replace(`{${parameter.name}}`, texts[index] ?? '')
    })
    return path
  })
}

function queryFor(operation: Operation): fc.Arbitrary<string> {
  const documented = operation.query.map((parameter) =>
    fc.option(
      urlValue(parameter.schema).map((value) => `${parameter.name}=${value}`),
      { freq: 2, nil: undefined },
    ),
  )
  const extraName = fc.constantFrom(
    'unknown',
    'page',
    'status',
    '__proto__',
    'a[b]',
    '',
    '%00',
    ...operation.query.map((parameter) => parameter.name),
  )
  const extra = fc.tuple(extraName, urlValue({})).map(([name, value]) => `${name}=${value}`)
  return fc
    .tuple(fc.tuple(...documented), onceIn(5, extra), onceIn(20, fc.constantFrom('&&', '=', 'a', '%ZZ=1')))
    .map(([params, more, raw]) => [...params, more, raw].filter((part) => part !== undefined).join('&'))
}

const JSON_TYPES = [
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json; charset=utf-16',
  'application/json;charset=latin1',
  'application/problem+json',
]
const WRONG_TYPES = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/octet-stream',
  '*/*',
  '',
  'multipart/form-data',
]

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(...JSON_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
)

/** Text that is not the JSON it claims to be, or is JSON in a shape no route takes. */
const BROKEN_JSON = [
  '',
  '{',
  '{"a":',
  'nope',
  '\u0000',
  '\ufeff{}',
  '{}x',
  '[1,]',
  "{'a':1}",
  'null',
  '"text"',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{}}}',
]

function jsonBody(schema: NamedSchema['schema'] | undefined): fc.Arbitrary<RawBody> {
  const text = fc.oneof(
    { weight: schema ? 50 : 5, arbitrary: valueFor(schema ?? {}).map(jsonText) },
    { weight: 5, arbitrary: wrongValue.map(jsonText) },
    { weight: 5, arbitrary: fc.constantFrom(...BROKEN_JSON) },
    // Rare: bodies near the 1 MB limit cost time, and a few per operation tell all they can.
    {
      weight: 1,
      arbitrary: fc.constantFrom(jsonText(nestedArrays(200_000)), JSON.stringify('x'.repeat(1024 * 1024))),
    },
  )
  return fc.record({ contentType, body: text.map((value) => Buffer.from(value)) })
}

function bodyFor(operation: Operation, picture: Buffer): fc.Arbitrary<RawBody | undefined> {
  const json = operation.bodies['application/json']
  const form = operation.bodies['multipart/form-data']
  const takesBody = Object.keys(operation.bodies).length > 0
  return fc.oneof(
    { weight: json ? 12 : 0, arbitrary: jsonBody(json) },
    { weight: form ? 12 : 0, arbitrary: multipartFor(form ?? {}, picture) },
    { weight: takesBody ? 1 : 12, arbitrary: fc.constant(undefined) },
    { weight: takesBody ? 1 : 2, arbitrary: jsonBody(undefined) },
    {
      weight: 1,
      arbitrary: multipartFor({ properties: { photo: { format: 'binary' }, title: {} } }, picture),
    },
  )
}

/** Header values must be Latin-1 without control characters; anything else is refused by the client. */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, URL_VALUE_LIMIT)

function headersFor(operation: Operation): fc.Arbitrary<Record<string, string>> {
  const documented = operation.headers.map((header) =>
    fc.option(
      urlValue(header.schema).map(
        (value) => [header.name, headerSafe(decodeURIComponentSafe(value))] as const,
      ),
      { freq: 2, nil: undefined },
    ),
  )
  const extra = onceIn(
    5,
    fc.tuple(
      fc.constantFrom(
        'x-request-id',
        'accept',
        'accept-encoding',
        'x-forwarded-for',
        'origin',
        'idempotency-key',
      ),
      nastyString.map(headerSafe),
    ),
  )
  return fc
    .tuple(fc.tuple(...documented), extra)
    .map(([headers, more]) => Object.fromEntries([...headers, more].filter((header) => header !== undefined)))
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Most routes are for staff: admins and operators get past the role checks to the rest. */
const identity = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Identity>('admin') },
  { weight: 2, arbitrary: fc.constantFrom<Identity>('operator', 'supplier') },
  { weight: 1, arbitrary: fc.constantFrom(...IDENTITIES) },
)
const credentials = fc.oneof(
  { weight: 15, arbitrary: fc.constant<Credentials>('as issued') },
  { weight: 1, arbitrary: fc.constantFrom(...CREDENTIALS) },
)

/** Requests for one operation, wrong in each way a client gets them wrong, from every kind of caller. */
export function requestsFor(operation: Operation, picture: Buffer): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      identity,
      credentials,
      oddClaims,
      path: pathFor(operation),
      query: queryFor(operation),
      headers: headersFor(operation),
      body: bodyFor(operation, picture),
    })
    .map(({ path, query, headers, body, ...caller }) => ({
      ...caller,
      method: operation.method,
      url: query === '' ? path : `${path}?${query}`,
      headers: {
        ...headers,
        ...(body?.contentType === undefined ? {} : { 'content-type': body.contentType }),
      },
      body: body?.body,
    }))
}
