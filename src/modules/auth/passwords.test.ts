import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts'

describe('passwordProblems', () => {
  it('finds nothing wrong with a password that is neither all digits nor the email', () => {
    assert.deepEqual(passwordProblems('correct horse battery', 'ana@example.com'), [])
  })

  it('refuses a password made only of digits', () => {
    assert.deepEqual(passwordProblems('1234567890', 'ana@example.com'), [
      'This password is entirely numeric.',
    ])
  })

  it('accepts digits once anything else is mixed in', () => {
    assert.deepEqual(passwordProblems('1234567890a', 'ana@example.com'), [])
  })

  it('refuses the email address itself, whatever its case', () => {
    assert.deepEqual(passwordProblems('Ana.Souza@Example.com', 'ana.souza@example.com'), [
      'The password is too similar to the email address.',
    ])
  })

  it('refuses the part of the email address before the @', () => {
    assert.deepEqual(passwordProblems('ana.souza', 'Ana.Souza@example.com'), [
      'The password is too similar to the email address.',
    ])
  })

  it('reports every problem at once', () => {
    assert.deepEqual(passwordProblems('12345678', '12345678@example.com'), [
      'This password is entirely numeric.',
      'The password is too similar to the email address.',
    ])
  })
})

describe('hashPassword', () => {
  it('hashes with argon2id at OWASP’s minimum cost (19 MiB, 2 passes, 1 lane)', async () => {
    assert.match(await hashPassword('correct horse battery'), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })

  it('salts every hash, so one password never hashes the same twice', async () => {
    const [first, second] = await Promise.all([hashPassword('same password'), hashPassword('same password')])
    assert.notEqual(first, second)
  })
})

describe('verifyPassword', () => {
  let stored: string
  before(async () => {
    stored = await hashPassword('correct horse battery')
  })

  it('accepts the password that was hashed', async () => {
    assert.equal(await verifyPassword(stored, 'correct horse battery'), true)
  })

  it('refuses any other password', async () => {
    assert.equal(await verifyPassword(stored, 'Correct horse battery'), false)
  })

  it('never matches a malformed stored hash, instead of throwing', async () => {
    assert.equal(await verifyPassword('not-an-argon2-hash', 'not-an-argon2-hash'), false)
  })
})
