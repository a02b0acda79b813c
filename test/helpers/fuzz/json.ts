import fc from 'fast-check'

/** `arbitrary` once in `times` draws, undefined the other times. */
export function onceIn<T>(times: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: times - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary })
}

/** JSON text that JSON.stringify cannot write: -0, 1e309, integers past 2^53, deep nesting. */
export class RawJson {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

/** An object written with its keys in this order, a key possibly twice (`{"a":1,"a":2}`). */
export class Entries {
  readonly entries: readonly (readonly [string, Json])[]
  constructor(entries: readonly (readonly [string, Json])[]) {
    this.entries = entries
  }
}

/** A JSON value as the fuzzer writes it. */
export type Json = null | boolean | number | string | RawJson | Entries | readonly Json[]

/** The JSON text of a value; lone surrogates are written as `\udXXX` escapes, as JSON.stringify does. */
export function jsonText(value: Json): string {
  if (value instanceof RawJson) return value.text
  if (value instanceof Entries) {
    return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`).join(',')}}`
  }
  if (Array.isArray(value)) return `[${value.map((item: Json) => jsonText(item)).join(',')}]`
  return JSON.stringify(value)
}

/** `depth` arrays, one inside the other. */
export function nestedArrays(depth: number): RawJson {
  return new RawJson('['.repeat(depth) + ']'.repeat(depth))
}

/** Strings clients send by mistake or on purpose. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ufeff',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '😀👩‍👩‍👧',
  'e\u0301\u0301\u0301',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '%00',
  '%',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '0',
  '-0',
  '-1',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '9223372036854775808',
  '2147483648',
  '0x1F',
  '1_000',
  '0.001',
  '1.005',
  '-0.01',
  ' 12.00 ',
  '12,50',
  '1,000.00',
  '١٢٣',
  '99999999999999999999.99',
  '2024-02-30',
  '2026-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-3-5',
  '02/03/2026',
  '0000-00-00',
  '9999-12-31',
  '+275760-09-13',
  '2026-03-02T25:61:00Z',
  'a@b',
  'user@@example.com',
  'DE00000000000000000000',
  'x'.repeat(256),
  'x'.repeat(4097),
]

const HUGE_STRINGS = ['x'.repeat(70_000), 'é'.repeat(40_000)]

/** Numbers at the edges of what JSON, JavaScript and PostgreSQL hold. */
export const NASTY_NUMBERS: readonly Json[] = [
  0,
  -1,
  1.5,
  0.1,
  2147483647,
  2147483648,
  -2147483649,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  new RawJson('-0'),
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('1e-400'),
  new RawJson('9007199254740993'),
  new RawJson('9223372036854775808'),
  new RawJson('-9223372036854775809'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('1.0000000000000000000000001'),
  new RawJson('1E2'),
]

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // Rare: they cost time, and a few per operation tell all they can.
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
)

export const nastyNumber: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer() },
)

const oddKey = fc.oneof(
  fc.constantFrom('', 'id', 'status', '__proto__', 'constructor', 'prototype', '\u0000', 'a.b', '$where'),
  fc.string({ maxLength: 10 }),
)

/** A value of any JSON type, likely not the one a field wants. */
export const wrongValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: nastyString },
    { weight: 4, arbitrary: nastyNumber },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(oddKey, tie('value')), { maxLength: 3 })
        .map((entries) => new Entries(entries)),
    },
    { weight: 1, arbitrary: fc.constantFrom(nestedArrays(33), nestedArrays(10_000)) },
  ),
})).value
