import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { acrossDatabaseOutage } from './database-outage.ts'

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })

/** A database that refuses `downFor` statements and pings, then answers. */
function restartingDatabase(downFor: number) {
  let refusals = downFor
  const answers = () => {
    if (refusals > 0) {
      refusals -= 1
      throw refused()
    }
  }
  return {
    runs: 0,
    ping: async () => {
      answers()
    },
    statement(this: { runs: number }) {
      this.runs += 1
      answers()
      return Promise.resolve('done')
    },
  }
}

describe('acrossDatabaseOutage', () => {
  it('runs the work again once the database answers, within the budget', async () => {
    const database = restartingDatabase(3)
    const result = await acrossDatabaseOutage(database, 60_000, () => database.statement())
    assert.equal(result, 'done')
    assert.ok(database.runs >= 2, `ran ${database.runs} times`)
  })

  it('fails with the outage once the budget is spent', async () => {
    const database = restartingDatabase(Number.POSITIVE_INFINITY)
    await assert.rejects(
      acrossDatabaseOutage(database, 0, () => database.statement()),
      /ECONNREFUSED/,
    )
    assert.equal(database.runs, 1)
  })

  it('does not repeat work that failed for another reason', async () => {
    let runs = 0
    const rejected = Object.assign(new Error('duplicate key'), { code: '23505' })
    await assert.rejects(
      acrossDatabaseOutage({ ping: async () => undefined }, 60_000, () => {
        runs += 1
        return Promise.reject(rejected)
      }),
      /duplicate key/,
    )
    assert.equal(runs, 1)
  })
})
