import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../config.ts'

describe('booking settings (BOOKING_REMINDER_CRON, BOOKING_CACHE_TTL)', () => {
  it('default to reminders at 09:00 every day and a 30-second cache', () => {
    assert.deepEqual(loadConfig({}).bookings, { reminderCron: '0 9 * * *', cacheTtlSeconds: 30 })
  })

  it('accept a five-field cron schedule and a duration', () => {
    const config = loadConfig({ BOOKING_REMINDER_CRON: '30  8 * * 1-5', BOOKING_CACHE_TTL: '1m' })
    assert.deepEqual(config.bookings, { reminderCron: '30 8 * * 1-5', cacheTtlSeconds: 60 })
  })

  it('refuse a schedule without five fields and a cache TTL over an hour, naming both', () => {
    assert.throws(
      () => loadConfig({ BOOKING_REMINDER_CRON: '0 9 * *', BOOKING_CACHE_TTL: '2h' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.some((problem) => problem.startsWith('BOOKING_REMINDER_CRON')) &&
        error.problems.some((problem) => problem.startsWith('BOOKING_CACHE_TTL')),
    )
  })
})
