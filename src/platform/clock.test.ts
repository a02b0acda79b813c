import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { calendarDate, fixedClock, systemClock } from './clock.ts'

describe('fixedClock', () => {
  it('stands at the instant it was started at', () => {
    const clock = fixedClock('2026-03-02T12:00:00Z')
    assert.equal(clock.now().toISOString(), '2026-03-02T12:00:00.000Z')
  })

  it('does not move by itself', () => {
    const clock = fixedClock(new Date('2026-03-02T12:00:00Z'))
    assert.equal(clock.now().getTime(), clock.now().getTime())
  })

  it('hands out copies, so changing a returned Date does not move the clock', () => {
    const clock = fixedClock('2026-03-02T12:00:00Z')
    clock.now().setUTCFullYear(1999)
    assert.equal(clock.now().toISOString(), '2026-03-02T12:00:00.000Z')
  })

  it('set() moves it to another instant', () => {
    const clock = fixedClock('2026-03-02T12:00:00Z')
    clock.set('2027-01-01T00:00:00Z')
    assert.equal(clock.now().toISOString(), '2027-01-01T00:00:00.000Z')
  })

  it('advance() moves it forward by milliseconds', () => {
    const clock = fixedClock('2026-03-02T12:00:00Z')
    clock.advance(90_000)
    assert.equal(clock.now().toISOString(), '2026-03-02T12:01:30.000Z')
  })

  it('today() is the calendar date in UTC by default', () => {
    assert.equal(fixedClock('2026-03-02T01:00:00Z').today(), '2026-03-02')
  })

  it('today() is the calendar date in the business time zone', () => {
    // 01:00 UTC is still 22:00 of the day before in São Paulo (UTC−3).
    assert.equal(fixedClock('2026-03-02T01:00:00Z', 'America/Sao_Paulo').today(), '2026-03-01')
  })

  it('dateOf() is the calendar date of any instant in the business time zone', () => {
    const clock = fixedClock('2026-06-01T12:00:00Z', 'America/Sao_Paulo')
    assert.equal(clock.dateOf(new Date('2026-03-02T01:00:00Z')), '2026-03-01')
    assert.equal(clock.dateOf(new Date('2026-03-02T03:00:00Z')), '2026-03-02')
    assert.equal(systemClock('Asia/Tokyo').dateOf(new Date('2026-03-01T16:00:00Z')), '2026-03-02')
  })

  it('today() changes at midnight in the business time zone, not at midnight UTC', () => {
    const clock = fixedClock('2026-03-02T02:59:59Z', 'America/Sao_Paulo')
    assert.equal(clock.today(), '2026-03-01')
    clock.advance(1000)
    assert.equal(clock.today(), '2026-03-02')
  })
})

describe('calendarDate', () => {
  it('is YYYY-MM-DD with zero-padded month and day', () => {
    assert.equal(calendarDate(new Date('2026-01-05T12:00:00Z'), 'UTC'), '2026-01-05')
  })

  it('can be a day ahead of UTC east of Greenwich', () => {
    assert.equal(calendarDate(new Date('2026-12-31T15:00:00Z'), 'Asia/Tokyo'), '2027-01-01')
  })
})

describe('systemClock', () => {
  it('reads the system time', () => {
    const before = Date.now()
    const now = systemClock('UTC').now().getTime()
    assert.ok(now >= before && now <= Date.now())
  })

  it("today() is the system time's calendar date in the business time zone", () => {
    const zone = 'Pacific/Kiritimati'
    const before = calendarDate(new Date(), zone)
    const today = systemClock(zone).today()
    // Midnight may pass between the two readings; then today() is the later date.
    assert.ok(today === before || today === calendarDate(new Date(), zone), today)
  })
})
