import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redactAttributes } from './span-redaction.ts'

test('attributes named after headers, passwords, tokens, secrets or IBANs are dropped', () => {
  const kept = redactAttributes({
    'http.request.header.authorization': 'Bearer abc',
    'http.request.header.cookie': 'session=1',
    'user.password': 'x',
    'oauth.refresh_token': 'y',
    'client.secret': 'z',
    'payout.iban': 'DE89370400440532013000',
    'http.route': '/api/auth/me',
  })
  assert.deepEqual(kept, { 'http.route': '/api/auth/me' })
})

test('query values are hidden in URLs and query strings, their names kept', () => {
  assert.deepEqual(
    redactAttributes({
      'url.full': 'https://api.example/v1/quotes?token=abc&profile=7',
      'url.query': 'state=s&code=c&flag',
      'url.path': '/v1/quotes',
    }),
    {
      'url.full': 'https://api.example/v1/quotes?token=REDACTED&profile=REDACTED',
      'url.query': 'state=REDACTED&code=REDACTED&flag',
      'url.path': '/v1/quotes',
    },
  )
})
