import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lockoutSeconds, loginAccountKey } from './login-throttle.ts'

describe('lockoutSeconds', () => {
  it('does not lock an account below the threshold', () => {
    assert.equal(lockoutSeconds(0, 5), 0)
    assert.equal(lockoutSeconds(4, 5), 0)
  })

  it('locks for 30 seconds when the failures reach the threshold', () => {
    assert.equal(lockoutSeconds(5, 5), 30)
  })

  it('doubles the lock with each further failure', () => {
    assert.equal(lockoutSeconds(6, 5), 60)
    assert.equal(lockoutSeconds(7, 5), 120)
    assert.equal(lockoutSeconds(9, 5), 480)
  })

  it('never locks for longer than 15 minutes', () => {
    assert.equal(lockoutSeconds(10, 5), 900)
    assert.equal(lockoutSeconds(Number.MAX_SAFE_INTEGER, 5), 900)
  })

  it('locks at the first failure when the threshold is 1', () => {
    assert.equal(lockoutSeconds(1, 1), 30)
  })
})

describe('loginAccountKey', () => {
  it('is the same for an email whatever its case and surrounding spaces', () => {
    assert.equal(loginAccountKey('  Ana@Example.COM '), loginAccountKey('ana@example.com'))
  })

  it('differs between email addresses', () => {
    assert.notEqual(loginAccountKey('ana@example.com'), loginAccountKey('bia@example.com'))
  })

  it('is a SHA-256 hex digest, so the email cannot be read from it', () => {
    assert.match(loginAccountKey('ana@example.com'), /^[0-9a-f]{64}$/)
  })

  it('keeps addresses apart that only upper-casing would merge (ß and ss)', () => {
    assert.notEqual(loginAccountKey('straße@example.com'), loginAccountKey('STRASSE@example.com'))
  })
})
