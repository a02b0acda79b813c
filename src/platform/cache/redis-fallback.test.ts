import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { redisFallback } from './redis.ts'

/** A logger that keeps its lines, to count what an outage writes. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as never) })
  return { logger, lines }
}

const down = () => Promise.reject(new Error('Connection is closed.'))
const up = () => Promise.resolve('from redis')

describe('redisFallback', () => {
  it("gives Redis's answer while Redis answers", async () => {
    const { logger } = recordingLogger()
    assert.equal(await redisFallback(logger, 'cache', 'bypassed').attempt(up, () => 'fallback'), 'from redis')
  })

  it('gives the fallback while Redis fails', async () => {
    const { logger } = recordingLogger()
    assert.equal(await redisFallback(logger, 'cache', 'bypassed').attempt(down, () => 'fallback'), 'fallback')
  })

  it('logs an outage once when it begins and once when it ends, not per call', async () => {
    const { logger, lines } = recordingLogger()
    const fallback = redisFallback(logger, 'cache', 'the cache is bypassed')
    for (const work of [up, down, down, down, up, up]) await fallback.attempt(work, () => 'fallback')
    assert.deepEqual(
      lines.map(({ msg }) => msg),
      ['redis unreachable: the cache is bypassed', 'redis reachable again'],
    )
  })
})
