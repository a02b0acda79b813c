/*
 * The statistics' figures recomputed in plain TypeScript from the rows of the tables, one row at a
 * time, without the SQL the server runs: what the reports must say.
 */

type Status = 'PC' | 'A' | 'D'

export interface Rows {
  payments: { id: number; supplier_id: number; due_date: string; value: string }[]
  anticipations: { id: number; payment_id: number; new_due_date: string; new_value: string; status: Status }[]
  complaints: { id: number; amount: string; status: string; created_at: Date; decided_at: Date | null }[]
  payouts: {
    purpose: string
    subject_id: number
    amount: string
    provider: string
    status: string
    failure_reason: string | null
    created_at: Date
  }[]
  hotels: { id: number; name: string }[]
  rooms: { id: number; hotel_id: number; quantity: number }[]
  bookings: { room_id: number; date_from: string; date_to: string; price: string; status: string }[]
  users: { roles: string[]; is_active: boolean }[]
  companies: unknown[]
  suppliers: unknown[]
}

type Range = { from: string; to: string }

const cents = (amount: string): bigint => {
  const negative = amount.startsWith('-')
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.')
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2))
  return negative ? -value : value
}
const money = (value: bigint) => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`
const DAY = 86_400_000
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10)

export function monthsBetween(range: Range): string[] {
  const months: string[] = []
  let [year, month] = [Number(range.from.slice(0, 4)), Number(range.from.slice(5, 7))]
  const last = range.to.slice(0, 7)
  for (;;) {
    const text = `${year}-${String(month).padStart(2, '0')}`
    if (text > last) return months
    months.push(text)
    month += 1
    if (month === 13) [year, month] = [year + 1, 1]
  }
}

/** Decimal places by long division, rounding half to even (as the money rules do). */
function fixed(numerator: bigint, denominator: bigint, places: number, halfEven: boolean): string {
  const scale = 10n ** BigInt(places)
  const scaled = numerator * scale
  let quotient = scaled / denominator
  const twice = 2n * (scaled % denominator)
  if (twice > denominator || (twice === denominator && (!halfEven || quotient % 2n === 1n))) quotient += 1n
  return `${quotient / scale}.${(quotient % scale).toString().padStart(places, '0')}`
}

export function expectedPayables(rows: Rows, range: Range, today: string, supplier?: number) {
  const anticipation = new Map(rows.anticipations.map((row) => [row.payment_id, row]))
  const groups = new Map<string, { count: number; total: bigint; newValue: bigint; days: number }>()
  for (const payment of rows.payments) {
    if (payment.due_date < range.from || payment.due_date > range.to) continue
    if (supplier !== undefined && payment.supplier_id !== supplier) continue
    const terms = anticipation.get(payment.id)
    const status =
      terms?.status === 'A'
        ? 'AN'
        : terms?.status === 'D'
          ? 'D'
          : payment.due_date <= today
            ? 'U'
            : terms?.status === 'PC'
              ? 'PC'
              : 'A'
    const key = `${payment.due_date.slice(0, 7)} ${status}`
    const group = groups.get(key) ?? { count: 0, total: 0n, newValue: 0n, days: 0 }
    group.count += 1
    group.total += cents(payment.value)
    if (status === 'AN' && terms) {
      group.newValue += cents(terms.new_value)
      group.days += dayNumber(payment.due_date) - dayNumber(terms.new_due_date)
    }
    groups.set(key, group)
  }
  return monthsBetween(range).flatMap((month) =>
    ['A', 'U', 'PC', 'AN', 'D'].map((status) => {
      const group = groups.get(`${month} ${status}`) ?? { count: 0, total: 0n, newValue: 0n, days: 0 }
      const anticipated = status === 'AN' && group.count > 0
      const discount = anticipated ? group.total - group.newValue : 0n
      return {
        month,
        status,
        count: group.count,
        total: money(group.total),
        new_value: money(group.newValue),
        discount: money(discount),
        avg_days: anticipated ? fixed(BigInt(group.days), BigInt(group.count), 2, true) : '0.00',
        effective_annual_rate:
          anticipated && discount > 0n && group.days > 0
            ? fixed(
                discount * 365n * BigInt(group.count),
                (group.total - discount) * BigInt(group.days),
                4,
                true,
              )
            : '0.0000',
      }
    }),
  )
}

/** YYYY-MM of an instant in a time zone. */
function monthIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(instant)
    .slice(0, 7)
}
function dayIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant)
}

/** The p-th percentile with linear interpolation between the closest ranks (percentile_cont). */
function percentile(sorted: number[], p: number): number {
  const position = p * (sorted.length - 1)
  const below = Math.floor(position)
  const lower = sorted[below] ?? 0
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] ?? lower
  return lower + (position - below) * (upper - lower)
}

export function expectedComplaints(rows: Rows, range: Range, timeZone: string) {
  const inRange = rows.complaints.filter((row) => {
    const day = dayIn(row.created_at, timeZone)
    return day >= range.from && day <= range.to
  })
  return monthsBetween(range).map((month) => {
    const filed = inRange.filter((row) => monthIn(row.created_at, timeZone) === month)
    const ids = new Set(filed.map((row) => row.id))
    const refunded = rows.payouts
      .filter(
        (payout) =>
          payout.purpose === 'complaint_refund' &&
          ids.has(payout.subject_id) &&
          (payout.status === 'funded' || payout.status === 'completed'),
      )
      .reduce((sum, payout) => sum + cents(payout.amount), 0n)
    const hours = filed
      .filter((row) => row.decided_at !== null)
      .map((row) => ((row.decided_at?.getTime() ?? 0) - row.created_at.getTime()) / 3_600_000)
      .sort((a, b) => a - b)
    return {
      month,
      filed: filed.length,
      approved: filed.filter((row) => row.status === 'approved').length,
      rejected: filed.filter((row) => row.status === 'rejected').length,
      pending: filed.filter((row) => row.status === 'pending').length,
      amount_asked: money(filed.reduce((sum, row) => sum + cents(row.amount), 0n)),
      amount_refunded: money(refunded),
      median_hours_to_decision: hours.length > 0 ? percentile(hours, 0.5).toFixed(2) : null,
      p90_hours_to_decision: hours.length > 0 ? percentile(hours, 0.9).toFixed(2) : null,
    }
  })
}

/** The nights of `month` (YYYY-MM) that fall in the range. */
function nightsOfMonthIn(month: string, range: Range): number {
  let nights = 0
  for (let day = dayNumber(`${month}-01`); dateOf(day).startsWith(month); day++) {
    if (dateOf(day) >= range.from && dateOf(day) <= range.to) nights += 1
  }
  return nights
}

export function expectedBookings(rows: Rows, range: Range) {
  const hotelOfRoom = new Map(rows.rooms.map((room) => [room.id, room.hotel_id]))
  const figures = new Map<string, { nights: number; revenue: bigint; cancellations: number }>()
  const entry = (key: string) => {
    const found = figures.get(key) ?? { nights: 0, revenue: 0n, cancellations: 0 }
    figures.set(key, found)
    return found
  }
  for (const booking of rows.bookings) {
    const hotel = hotelOfRoom.get(booking.room_id)
    if (booking.status === 'cancelled' && booking.date_from >= range.from && booking.date_from <= range.to) {
      entry(`${booking.date_from.slice(0, 7)} ${hotel}`).cancellations += 1
    }
    if (booking.status !== 'confirmed') continue
    for (let day = dayNumber(booking.date_from); day < dayNumber(booking.date_to); day++) {
      const night = dateOf(day)
      if (night < range.from || night > range.to) continue
      const figure = entry(`${night.slice(0, 7)} ${hotel}`)
      figure.nights += 1
      figure.revenue += cents(booking.price)
    }
  }
  const hotels = [...rows.hotels].sort((a, b) => a.id - b.id)
  return monthsBetween(range).flatMap((month) => {
    const nightsInRange = nightsOfMonthIn(month, range)
    return hotels.map((hotel) => {
      const rooms = rows.rooms
        .filter((room) => room.hotel_id === hotel.id)
        .reduce((sum, room) => sum + room.quantity, 0)
      const figure = figures.get(`${month} ${hotel.id}`) ?? { nights: 0, revenue: 0n, cancellations: 0 }
      const capacity = rooms * nightsInRange
      return {
        month,
        hotel_id: hotel.id,
        hotel: hotel.name,
        rooms,
        nights_sold: figure.nights,
        occupancy: capacity > 0 ? fixed(BigInt(figure.nights), BigInt(capacity), 4, false) : '0.0000',
        revenue: money(figure.revenue),
        cancellations: figure.cancellations,
      }
    })
  })
}

export function expectedPayouts(rows: Rows, range: Range, timeZone: string) {
  const inRange = rows.payouts
    .filter((row) => {
      const day = dayIn(row.created_at, timeZone)
      return day >= range.from && day <= range.to
    })
    .map((row) => ({ ...row, month: monthIn(row.created_at, timeZone) }))
  const statuses = ['pending', 'prepared', 'approved', 'funded', 'completed', 'cancelled', 'failed']
  const result = monthsBetween(range).flatMap((month) =>
    ['complaint_refund', 'early_payment'].flatMap((purpose) =>
      ['manual', 'wise'].flatMap((provider) =>
        statuses.map((status) => {
          const matching = inRange.filter(
            (row) =>
              row.month === month &&
              row.purpose === purpose &&
              row.provider === provider &&
              row.status === status,
          )
          const amount = matching.reduce((sum, row) => sum + cents(row.amount), 0n)
          return { month, purpose, provider, status, count: matching.length, amount: money(amount) }
        }),
      ),
    ),
  )
  const reasons = new Map<string, number>()
  for (const row of inRange) {
    if (row.status === 'failed' && row.failure_reason !== null) {
      reasons.set(row.failure_reason, (reasons.get(row.failure_reason) ?? 0) + 1)
    }
  }
  const failureReasons = [...reasons.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
    .slice(0, 5)
  return { rows: result, failureReasons }
}

export function expectedOverview(rows: Rows) {
  const active = rows.users.filter((user) => user.is_active)
  const holding = (role: string) => active.filter((user) => user.roles.includes(role)).length
  return {
    users: active.length,
    users_by_role: { admin: holding('admin'), operator: holding('operator'), approver: holding('approver') },
    companies: rows.companies.length,
    suppliers: rows.suppliers.length,
    waiting: {
      pending_complaints: rows.complaints.filter((row) => row.status === 'pending').length,
      pending_anticipations: rows.anticipations.filter((row) => row.status === 'PC').length,
      payouts_awaiting_approval: rows.payouts.filter((row) => ['pending', 'prepared'].includes(row.status))
        .length,
      failed_payouts: rows.payouts.filter((row) => row.status === 'failed').length,
    },
  }
}

/** Every hotel together, by month: the sums of `expectedBookings` rows, occupancy over every room. */
export function expectedBookingTotals(rows: Rows, range: Range) {
  const byHotel = expectedBookings(rows, range)
  const rooms = rows.rooms.reduce((sum, room) => sum + room.quantity, 0)
  return monthsBetween(range).map((month) => {
    const ofMonth = byHotel.filter((row) => row.month === month)
    const nights = ofMonth.reduce((sum, row) => sum + row.nights_sold, 0)
    const whole = rooms * nightsOfMonthIn(month, range)
    return {
      month,
      rooms,
      nights_sold: nights,
      occupancy: whole > 0 ? fixed(BigInt(nights), BigInt(whole), 4, false) : '0.0000',
      revenue: money(ofMonth.reduce((sum, row) => sum + cents(row.revenue), 0n)),
      cancellations: ofMonth.reduce((sum, row) => sum + row.cancellations, 0),
    }
  })
}
