import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { NewPayout } from './index.ts'
import { findPayout, recordProviderIds, startFunding, type PayoutStatus } from './payouts.repository.ts'
import { createPayoutTransitions, type PayoutTransitions } from './payout-transitions.ts'

let t: TestApp
let admin: SignedInUser
let transitions: PayoutTransitions
let subject = 1

const JOB = { system: 'fund-payout' }

before(async () => {
  t = await buildTestApp()
  admin = await signIn(t, ['admin'])
  transitions = createPayoutTransitions(t.platform.db, t.platform.audit, t.clock)
})
after(() => t.close())

async function newPayout(status: PayoutStatus = 'approved'): Promise<number> {
  const input: NewPayout = {
    purpose: 'complaint_refund',
    subjectId: 10_000 + subject++,
    amount: '80.00',
    currency: 'EUR',
    recipient: { holder_name: 'Ana Souza', iban: 'DE89370400440532013000' },
  }
  const payout = await t.platform.payouts.create(t.platform.db, input, { system: 'test' })
  await t.platform.db
    .$extendTables<{ payouts: { id: number; status: string } }>()
    .updateTable('payouts')
    .set({ status })
    .where('id', '=', payout.id)
    .execute()
  return payout.id
}

interface AuditEvent {
  actor: number | null
  actor_label: string | null
  action: string
  subject_type: string
  subject_id: number
  changes: Record<string, unknown>
}

/** The payout's audit events after its creation, oldest first. */
async function eventsOf(id: number): Promise<AuditEvent[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/audit?subject_type=payout&subject_id=${id}&page_size=100`,
    headers: admin.headers,
  })
  assert.equal(response.statusCode, 200, response.body)
  return response
    .json<{ results: AuditEvent[] }>()
    .results.reverse()
    .filter((event) => event.action !== 'payout.created' && event.action !== 'payout.pending')
}

describe('payout moves and their audit events', () => {
  it('moves a payout in one of `from` and records who moved it, with the new status and its subject', async () => {
    const id = await newPayout('approved')
    const moved = await transitions.move(id, ['approved'], 'funded', JOB)
    assert.equal(moved?.status, 'funded')
    const events = await eventsOf(id)
    assert.equal(events.length, 1, JSON.stringify(events))
    const [event] = events
    assert.deepEqual(
      [event?.action, event?.subject_type, event?.subject_id, event?.actor, event?.actor_label],
      ['payout.funded', 'payout', id, null, 'fund-payout'],
    )
    assert.deepEqual(event?.changes, {
      status: 'funded',
      purpose: 'complaint_refund',
      subject_id: moved.subject_id,
    })
  })

  it('records the extra changes of a move beside its status', async () => {
    const id = await newPayout('approved')
    await transitions.move(id, ['approved'], 'completed', JOB, { failure_reason: null })
    const [event] = await eventsOf(id)
    assert.deepEqual(Object.entries(event?.changes ?? {}).at(-1), ['failure_reason', null])
  })

  it('moves nothing and records nothing for a payout in another status', async () => {
    const id = await newPayout('cancelled')
    assert.equal(await transitions.move(id, ['approved'], 'funded', JOB), undefined)
    assert.equal((await findPayout(t.platform.db, id))?.status, 'cancelled')
    assert.deepEqual(await eventsOf(id), [])
  })
})

describe('failing a payout', () => {
  it('fails it with its reason, cut to 1000 characters, and records the reason', async () => {
    const id = await newPayout('approved')
    const failed = await transitions.fail(id, ['approved'], 'x'.repeat(1500), JOB)
    assert.equal(failed?.status, 'failed')
    assert.equal(failed.failure_reason, 'x'.repeat(1000))
    const [event] = await eventsOf(id)
    assert.deepEqual([event?.action, event?.changes.failure_reason], ['payout.failed', 'x'.repeat(1000)])
  })

  it('keeps the start of funding unless the provider refused the funding for sure', async () => {
    const kept = await newPayout('approved')
    await startFunding(t.platform.db, kept, t.clock.now())
    const maybeSent = await transitions.fail(kept, ['approved'], 'Timed out.', JOB)
    assert.notEqual(maybeSent?.funding_started_at, null)

    const cleared = await newPayout('approved')
    await startFunding(t.platform.db, cleared, t.clock.now())
    const refused = await transitions.fail(cleared, ['approved'], 'Insufficient funds.', JOB, {
      fundingRefused: true,
    })
    assert.equal(refused?.funding_started_at, null)
    assert.equal(refused.failure_reason, 'Insufficient funds.')
  })

  it('fails nothing and records nothing outside `from`', async () => {
    const id = await newPayout('funded')
    assert.equal(await transitions.fail(id, ['approved'], 'Refused.', JOB), undefined)
    assert.deepEqual(await eventsOf(id), [])
  })
})

describe('failing a payout whose transfer the provider cancelled', () => {
  async function prepared(): Promise<number> {
    const id = await newPayout('approved')
    await recordProviderIds(
      t.platform.db,
      id,
      { quoteId: 'quote-1', recipientId: 'recipient-1', transferId: 'transfer-1' },
      t.clock.now(),
    )
    return id
  }

  const change = (transferId: string) => ({
    from: ['approved' as const],
    transferId,
    reason: 'The provider cancelled the transfer.',
    idempotencyKey: '6f1c1f9e-9c55-4a5e-8d0e-6f7a9a1b2c3d',
  })

  it('fails it, forgets the transfer and records the reason', async () => {
    const id = await prepared()
    const failed = await transitions.failForgettingTransfer(id, change('transfer-1'), JOB)
    assert.deepEqual(
      [failed?.status, failed?.provider_transfer_id, failed?.idempotency_key],
      ['failed', null, '6f1c1f9e-9c55-4a5e-8d0e-6f7a9a1b2c3d'],
    )
    const [event] = await eventsOf(id)
    assert.deepEqual(
      [event?.action, event?.changes.failure_reason],
      ['payout.failed', 'The provider cancelled the transfer.'],
    )
  })

  it('changes and records nothing when the payout has another transfer by now', async () => {
    const id = await prepared()
    assert.equal(await transitions.failForgettingTransfer(id, change('transfer-0'), JOB), undefined)
    assert.equal((await findPayout(t.platform.db, id))?.provider_transfer_id, 'transfer-1')
    assert.deepEqual(await eventsOf(id), [])
  })
})
