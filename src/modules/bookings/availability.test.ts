import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  addDays,
  fullestNight,
  nightsBetween,
  overlaps,
  roomsLeft,
  stayProblems,
  totalCost,
} from './availability.ts'

const TODAY = '2026-03-02'
const stay = (dateFrom: string, dateTo: string) => ({ dateFrom, dateTo })

describe('overlaps: nights are half-open intervals [date_from, date_to)', () => {
  it('does not count a departure and an arrival on the same day as an overlap', () => {
    assert.equal(overlaps(stay('2026-03-01', '2026-03-10'), stay('2026-03-10', '2026-03-12')), false)
    assert.equal(overlaps(stay('2026-03-10', '2026-03-12'), stay('2026-03-01', '2026-03-10')), false)
  })

  it('counts one shared night as an overlap, at either end', () => {
    assert.equal(overlaps(stay('2026-03-01', '2026-03-10'), stay('2026-03-09', '2026-03-12')), true)
    assert.equal(overlaps(stay('2026-03-09', '2026-03-12'), stay('2026-03-01', '2026-03-10')), true)
  })

  it('counts a stay inside another as an overlap', () => {
    assert.equal(overlaps(stay('2026-03-01', '2026-03-10'), stay('2026-03-04', '2026-03-05')), true)
  })
})

describe('roomsLeft', () => {
  it('is the quantity when nothing is booked', () => {
    assert.equal(roomsLeft(4, [], stay('2026-03-05', '2026-03-08')), 4)
  })

  it('ignores bookings that end on the first day or start on the departure day', () => {
    const booked = [stay('2026-03-01', '2026-03-05'), stay('2026-03-08', '2026-03-09')]
    assert.equal(roomsLeft(1, booked, stay('2026-03-05', '2026-03-08')), 1)
  })

  it('counts the fullest night of the stay, not every booking that touches it', () => {
    const booked = [stay('2026-03-05', '2026-03-06'), stay('2026-03-07', '2026-03-08')]
    assert.equal(roomsLeft(2, booked, stay('2026-03-05', '2026-03-08')), 1)
    booked.push(stay('2026-03-07', '2026-03-09'))
    assert.equal(roomsLeft(2, booked, stay('2026-03-05', '2026-03-08')), 0)
  })

  it('counts a guest leaving and one arriving on the same day as one room, not two', () => {
    const booked = [stay('2026-03-05', '2026-03-07'), stay('2026-03-07', '2026-03-09')]
    assert.equal(fullestNight(booked, stay('2026-03-05', '2026-03-09')), 1)
  })

  it('counts a departure before an arrival on the same day, in whatever order the bookings come', () => {
    const arriving = stay('2026-03-07', '2026-03-09')
    const leaving = stay('2026-03-05', '2026-03-07')
    assert.equal(fullestNight([arriving, leaving], stay('2026-03-05', '2026-03-09')), 1)
    assert.equal(fullestNight([leaving, arriving], stay('2026-03-05', '2026-03-09')), 1)
    assert.equal(fullestNight([arriving, leaving, arriving], stay('2026-03-05', '2026-03-09')), 2)
  })

  it('counts only the nights of the stay: bookings around it do not add up outside it', () => {
    // Two bookings share the night of the 3rd, before the stay; inside it only one room is taken.
    const booked = [stay('2026-03-01', '2026-03-05'), stay('2026-03-03', '2026-03-04')]
    assert.equal(fullestNight(booked, stay('2026-03-04', '2026-03-06')), 1)
    // And after it: the 10th has two, the stay ends on the 9th.
    const later = [stay('2026-03-08', '2026-03-12'), stay('2026-03-10', '2026-03-11')]
    assert.equal(fullestNight(later, stay('2026-03-07', '2026-03-10')), 1)
  })

  it('counts stays centuries ahead as it counts next week’s (by arrivals and departures, not by night)', () => {
    const booked = [
      stay('9999-11-30', '9999-12-02'),
      stay('9999-12-01', '9999-12-03'),
      stay('2026-03-05', '2026-03-06'),
    ]
    assert.equal(fullestNight(booked, stay(TODAY, '9999-12-31')), 2)
  })

  it('is never below zero', () => {
    const booked = [stay('2026-03-05', '2026-03-06'), stay('2026-03-05', '2026-03-06')]
    assert.equal(roomsLeft(1, booked, stay('2026-03-05', '2026-03-06')), 0)
  })
})

describe('nights and total cost', () => {
  it('counts nights across a month end and a leap day', () => {
    assert.equal(nightsBetween('2028-02-27', '2028-03-01'), 3)
    assert.equal(nightsBetween('2026-03-31', '2026-04-02'), 2)
  })

  it('is nights × price per night, exactly in cents', () => {
    assert.equal(totalCost(12_050n, 3), 36_150n)
    assert.equal(totalCost(1n, 30), 30n)
  })

  it('adds days across a year end', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01')
  })
})

describe('stayProblems', () => {
  it('accepts no dates at all, and a stay from today of 1 to 30 nights', () => {
    assert.equal(stayProblems({}, TODAY), undefined)
    assert.equal(stayProblems({ date_from: TODAY, date_to: '2026-03-03' }, TODAY), undefined)
    assert.equal(stayProblems({ date_from: TODAY, date_to: '2026-04-01' }, TODAY), undefined)
  })

  it('wants both dates together', () => {
    assert.deepEqual(Object.keys(stayProblems({ date_from: TODAY }, TODAY) ?? {}), ['date_to'])
    assert.deepEqual(Object.keys(stayProblems({ date_to: TODAY }, TODAY) ?? {}), ['date_from'])
  })

  it('refuses a stay starting yesterday, an empty or reversed stay, and 31 nights', () => {
    assert.deepEqual(Object.keys(stayProblems({ date_from: '2026-03-01', date_to: TODAY }, TODAY) ?? {}), [
      'date_from',
    ])
    assert.deepEqual(Object.keys(stayProblems({ date_from: TODAY, date_to: TODAY }, TODAY) ?? {}), [
      'date_to',
    ])
    assert.deepEqual(Object.keys(stayProblems({ date_from: '2026-03-05', date_to: TODAY }, TODAY) ?? {}), [
      'date_to',
    ])
    assert.deepEqual(Object.keys(stayProblems({ date_from: TODAY, date_to: '2026-04-02' }, TODAY) ?? {}), [
      'date_to',
    ])
  })
})
