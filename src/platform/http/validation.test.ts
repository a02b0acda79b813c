import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_NESTING_DEPTH, nestedDeeperThan, nullCharacterErrors } from './validation.ts'

const NUL_MESSAGE = 'Null characters (\\u0000) are not allowed.'

/** `{a: {a: … leaf}}`, `depth` objects deep. */
function nestedObjects(depth: number, leaf: unknown): unknown {
  let value = leaf
  for (let level = 0; level < depth; level++) value = { a: value }
  return value
}

describe('the nesting limit', () => {
  it('counts each array or object as one level; scalars are no level', () => {
    assert.equal(nestedDeeperThan('text', 0), false)
    assert.equal(nestedDeeperThan([], 0), true)
    assert.equal(nestedDeeperThan({ a: [1, { b: 'c' }] }, 3), false)
    assert.equal(nestedDeeperThan({ a: [1, { b: 'c' }] }, 2), true)
  })

  it('lets a value nested exactly MAX_NESTING_DEPTH deep through, and refuses one level more', () => {
    assert.equal(nestedDeeperThan(nestedObjects(MAX_NESTING_DEPTH, 1), MAX_NESTING_DEPTH), false)
    assert.equal(nestedDeeperThan(nestedObjects(MAX_NESTING_DEPTH + 1, 1), MAX_NESTING_DEPTH), true)
  })

  it('finds a deep branch beside wide shallow ones', () => {
    const value = { wide: Array.from({ length: 10_000 }, () => ({ x: 1 })), deep: nestedObjects(40, 1) }
    assert.equal(nestedDeeperThan(value, MAX_NESTING_DEPTH), true)
  })
})

describe('null characters', () => {
  it('are found at any depth without overflowing the stack, named by their path', () => {
    const errors = nullCharacterErrors(nestedObjects(200_000, 'a\u0000'))
    assert.deepEqual(Object.values(errors), [[NUL_MESSAGE]])
    assert.equal(Object.keys(errors)[0], Array.from({ length: 200_000 }, () => 'a').join('.'))
  })

  it('are named by field and index, in keys and values; the part itself as non_field_errors', () => {
    assert.deepEqual(
      { ...nullCharacterErrors({ a: ['ok', 'x\u0000'], ['k\u0000']: 1, b: { c: '\u0000' } }) },
      {
        'a.1': [NUL_MESSAGE],
        'k\u0000': [NUL_MESSAGE],
        'b.c': [NUL_MESSAGE],
      },
    )
    assert.deepEqual({ ...nullCharacterErrors('\u0000') }, { non_field_errors: [NUL_MESSAGE] })
    assert.deepEqual({ ...nullCharacterErrors({ a: 1, b: null, c: [true] }) }, {})
  })
})
