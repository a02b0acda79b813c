import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nextPathProblem } from './next-path.ts'

test('a path on this server is a valid next page, with its query and fragment', () => {
  for (const next of ['/', '/bookings', '/payments?status=open#top']) {
    assert.equal(nextPathProblem(next), undefined, next)
  }
})

test('an absolute or scheme-relative URL is refused as a next page (no open redirect)', () => {
  for (const next of ['https://evil.example', '//evil.example', 'evil.example/x', 'javascript:alert(1)']) {
    assert.ok(nextPathProblem(next), next)
  }
})

test('backslashes and control characters, which browsers read as another host, are refused', () => {
  for (const next of ['/\\evil.example', '/\t/evil.example', '/a\\b', '/\n//evil.example']) {
    assert.ok(nextPathProblem(next), JSON.stringify(next))
  }
})
