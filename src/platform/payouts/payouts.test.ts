import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { ShownPayout } from '../../../test/helpers/complaints.ts'
import { AppError } from '../errors.ts'
import type { NewPayout } from './index.ts'
import { findPayout, startFunding } from './payouts.repository.ts'

let t: TestApp
let operator: SignedInUser
let subject = 1

before(async () => {
  t = await buildTestApp()
  operator = await signIn(t, ['operator'])
})
after(() => t.close())

function newPayout(overrides: Partial<NewPayout> = {}): NewPayout {
  return {
    purpose: 'early_payment',
    subjectId: subject++,
    amount: '250.00',
    currency: 'EUR',
    recipient: { holder_name: 'Nordlicht Logistik GmbH', iban: 'DE89370400440532013000' },
    ...overrides,
  }
}

async function shown(id: number): Promise<ShownPayout> {
  const response = await t.app.inject({ method: 'GET', url: `/api/payouts/${id}`, headers: operator.headers })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<ShownPayout>()
}

async function setStatus(id: number, status: string, failureReason: string | null = null) {
  await t.platform.db
    .$extendTables<{ payouts: { id: number; status: string; failure_reason: string | null } }>()
    .updateTable('payouts')
    .set({ status, failure_reason: failureReason })
    .where('id', '=', id)
    .execute()
}

const db = () => t.platform.db
/** The payouts here are changed by the test itself, as a job would. */
const SYSTEM = { system: 'test' }
const subjectOf = (input: NewPayout) => ({ purpose: input.purpose, subjectId: input.subjectId })
const asOperator = () => ({ userId: operator.id, roles: ['operator' as const], sessionId: 'test' })

describe('the payouts state machine', () => {
  it('keeps one payout per subject: a second one is a 409 and changes nothing', async () => {
    const input = newPayout()
    const first = await t.platform.payouts.create(db(), input, SYSTEM)
    await assert.rejects(
      t.platform.payouts.create(db(), { ...input, amount: '1.00' }, SYSTEM),
      (error: unknown) => error instanceof AppError && error.code === 'payout_exists',
    )
    assert.equal((await shown(first.id)).amount, '250.00')
  })

  it('gives every payout its own idempotency key, stored with it', async () => {
    const a = await t.platform.payouts.create(db(), newPayout(), SYSTEM)
    const b = await t.platform.payouts.create(db(), newPayout(), SYSTEM)
    assert.match(a.idempotency_key, /^[0-9a-f-]{36}$/)
    assert.notEqual(a.idempotency_key, b.idempotency_key)
  })

  it('approves once: a second approval of the same subject does nothing', async () => {
    const input = newPayout()
    const payout = await t.platform.payouts.create(db(), input, SYSTEM)
    assert.equal(await t.platform.payouts.approve(db(), subjectOf(input), [operator.id], SYSTEM), true)
    assert.equal(await t.platform.payouts.approve(db(), subjectOf(input), [operator.id], SYSTEM), false)
    assert.equal((await shown(payout.id)).status, 'approved')
  })

  it('cancels an open payout once, and says so for one already cancelled or missing', async () => {
    const input = newPayout()
    const payout = await t.platform.payouts.create(db(), input, SYSTEM)
    assert.equal(await t.platform.payouts.cancel(db(), subjectOf(input), SYSTEM), 'cancelled')
    assert.equal(await t.platform.payouts.cancel(db(), subjectOf(input), SYSTEM), 'already_final')
    assert.equal(
      await t.platform.payouts.cancel(db(), { purpose: input.purpose, subjectId: 987654321 }, SYSTEM),
      'none',
    )
    assert.equal((await shown(payout.id)).status, 'cancelled')
  })

  it('does not cancel a funded or completed payout', async () => {
    for (const status of ['funded', 'completed']) {
      const input = newPayout()
      const payout = await t.platform.payouts.create(db(), input, SYSTEM)
      await setStatus(payout.id, status)
      assert.equal(await t.platform.payouts.cancel(db(), subjectOf(input), SYSTEM), 'funding_started')
      assert.equal((await shown(payout.id)).status, status)
    }
  })

  it('does not approve a cancelled payout', async () => {
    const input = newPayout()
    await t.platform.payouts.create(db(), input, SYSTEM)
    await t.platform.payouts.cancel(db(), subjectOf(input), SYSTEM)
    assert.equal(await t.platform.payouts.approve(db(), subjectOf(input), [operator.id], SYSTEM), false)
  })

  it('remembers an approval that comes while the payout is failed: its retry resumes at approved', async () => {
    const input = newPayout()
    const payout = await t.platform.payouts.create(db(), input, SYSTEM)
    await setStatus(payout.id, 'failed', 'Refused.')
    assert.equal(await t.platform.payouts.approve(db(), subjectOf(input), [operator.id], SYSTEM), true)
    assert.equal((await shown(payout.id)).status, 'failed')
    assert.equal((await t.platform.payouts.retry(asOperator(), payout.id)).status, 'approved')
  })

  it('retries a failed payout once: of two retries at once, one gets 409', async () => {
    const payout = await t.platform.payouts.create(db(), newPayout(), SYSTEM)
    await setStatus(payout.id, 'failed', 'Refused.')
    const answers = await Promise.all(
      [1, 2].map(() =>
        t.app.inject({ method: 'POST', url: `/api/payouts/${payout.id}/retry`, headers: operator.headers }),
      ),
    )
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409])
    assert.equal((await shown(payout.id)).failure_reason, null)
  })

  it('records a payout without a recipient as failed with the reason, and enqueues nothing for it', async () => {
    const payout = await t.platform.payouts.create(
      db(),
      newPayout({ recipient: undefined, unavailable: 'No default account in EUR.' }),
      SYSTEM,
    )
    await t.platform.jobs.drain()
    const seen = await shown(payout.id)
    assert.deepEqual(
      [seen.status, seen.failure_reason, seen.recipient],
      ['failed', 'No default account in EUR.', null],
    )
  })

  it('starts funding only an approved payout: on a pending, prepared, cancelled, failed or funded one it changes nothing', async () => {
    const now = new Date('2026-05-01T10:00:00Z')
    for (const status of ['pending', 'prepared', 'cancelled', 'failed', 'funded']) {
      const payout = await t.platform.payouts.create(db(), newPayout(), SYSTEM)
      await setStatus(payout.id, status, status === 'failed' ? 'Refused.' : null)
      const before = await findPayout(db(), payout.id)
      assert.equal(await startFunding(db(), payout.id, now), undefined, status)
      assert.deepEqual(await findPayout(db(), payout.id), before, status)
    }
  })

  it('starts funding an approved payout once: a second start keeps the first moment', async () => {
    const input = newPayout()
    const payout = await t.platform.payouts.create(db(), input, SYSTEM)
    await t.platform.payouts.approve(db(), subjectOf(input), [operator.id], SYSTEM)
    const first = await startFunding(db(), payout.id, new Date('2026-05-01T10:00:00Z'))
    const second = await startFunding(db(), payout.id, new Date('2026-05-01T11:00:00Z'))
    assert.deepEqual(first?.funding_started_at, new Date('2026-05-01T10:00:00Z'))
    assert.deepEqual(second?.funding_started_at, new Date('2026-05-01T10:00:00Z'))
    assert.equal(second.status, 'approved')
  })
})
