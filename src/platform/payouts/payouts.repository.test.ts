import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { PayoutRecipient } from './provider.ts'
import * as repository from './payouts.repository.ts'
import type { PayoutPurpose, PayoutRow, PayoutsDb, PayoutStatus } from './payouts.repository.ts'

/*
 * The conditions of the payouts' SQL, one by one: each state change happens from the states it names
 * and no other, once, and only for the payout it names.
 */

let t: TestApp
let db: PayoutsDb
let subject = 1

const NOW = new Date('2026-05-01T10:00:00Z')
const LATER = new Date('2026-05-01T11:00:00Z')
const IBAN: PayoutRecipient = { holder_name: 'Ana Souza', iban: 'DE89370400440532013000' }
const DOMESTIC: PayoutRecipient = {
  holder_name: 'Fornecedora Ltda.',
  bank_code: '001',
  branch: '1234',
  account_number: '56789-0',
}
const STATUSES: PayoutStatus[] = [
  'pending',
  'prepared',
  'approved',
  'funded',
  'completed',
  'cancelled',
  'failed',
]

before(async () => {
  t = await buildTestApp()
  db = t.platform.db.$extendTables<repository.PayoutsTables>()
})
after(() => t.close())

async function insert(
  overrides: Partial<Parameters<typeof repository.insertPayout>[1]> = {},
): Promise<PayoutRow> {
  return repository.insertPayout(db, {
    purpose: 'complaint_refund',
    subjectId: subject++,
    amount: '80.00',
    currency: 'EUR',
    recipient: IBAN,
    provider: 'manual',
    idempotencyKey: randomUUID(),
    failureReason: null,
    approvedBy: undefined,
    now: NOW,
    ...overrides,
  })
}

/** A payout put straight into `status` (with a reason when failed), as the jobs would leave it. */
async function inStatus(
  status: PayoutStatus,
  columns: Omit<Partial<PayoutRow>, 'id' | 'created_at'> = {},
): Promise<PayoutRow> {
  const row = await insert()
  return db
    .updateTable('payouts')
    .set({ status, failure_reason: status === 'failed' ? 'Refused.' : null, ...columns })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A page of `limit` rows from `offset`. */
const page = (limit: number, offset: number) => ({ page: 1, pageSize: limit, limit, offset })

const reread = async (row: PayoutRow) => repository.findPayout(db, row.id)

describe('insertPayout', () => {
  it('creates a payout pending, unapproved, with an IBAN recipient in its columns', async () => {
    const row = await insert()
    assert.deepEqual(
      [row.status, row.approved_at, row.approved_by, row.failure_reason, row.created_at, row.updated_at],
      ['pending', null, [], null, NOW, NOW],
    )
    assert.deepEqual(
      [row.holder_name, row.iban, row.bank_code, row.branch, row.account_number],
      ['Ana Souza', 'DE89370400440532013000', null, null, null],
    )
  })

  it('keeps a domestic recipient in its own columns', async () => {
    const row = await insert({ recipient: DOMESTIC })
    assert.deepEqual(
      [row.holder_name, row.iban, row.bank_code, row.branch, row.account_number],
      ['Fornecedora Ltda.', null, '001', '1234', '56789-0'],
    )
  })

  it('creates a payout without a recipient with every recipient column empty', async () => {
    const row = await insert({ recipient: undefined, failureReason: 'No account.' })
    assert.deepEqual(
      [row.holder_name, row.iban, row.bank_code, row.branch, row.account_number],
      [null, null, null, null, null],
    )
  })

  it('refuses a second payout for the same subject with the constraint the service recognises', async () => {
    const row = await insert()
    await assert.rejects(insert({ subjectId: row.subject_id }), (error: unknown) => {
      assert.equal((error as { constraint?: string }).constraint, repository.UNIQUE_SUBJECT)
      return true
    })
  })

  it('creates it approved, by those people at that moment, when approvals come with it', async () => {
    const row = await insert({ approvedBy: [7, 8] })
    assert.deepEqual([row.status, row.approved_at, row.approved_by], ['approved', NOW, [7, 8]])
  })

  it('creates it failed, with the reason, when there is a failure reason, even if approved', async () => {
    const row = await insert({ failureReason: 'No default account in EUR.', approvedBy: [7] })
    assert.deepEqual([row.status, row.failure_reason], ['failed', 'No default account in EUR.'])
  })
})

describe('finding and listing', () => {
  it('finds a payout by its purpose and subject, not another purpose’s with the same subject', async () => {
    const refund = await insert({ purpose: 'complaint_refund', subjectId: 900_001 })
    const early = await insert({ purpose: 'early_payment', subjectId: 900_001 })
    assert.equal((await repository.findPayoutBySubject(db, 'complaint_refund', 900_001))?.id, refund.id)
    assert.equal((await repository.findPayoutBySubject(db, 'early_payment', 900_001))?.id, early.id)
    assert.equal(await repository.findPayoutBySubject(db, 'early_payment', 900_002), undefined)
    assert.equal(await repository.findPayout(db, 2_000_000_000), undefined)
  })

  it('lists by status and purpose, newest first, counting them all and paging', async () => {
    const purpose: PayoutPurpose = 'early_payment'
    const rows: PayoutRow[] = []
    for (const minutes of [1, 2, 3]) {
      rows.push(await insert({ purpose, now: new Date(Date.UTC(2031, 0, 1, 0, minutes)) }))
    }
    await db.updateTable('payouts').set({ status: 'completed' }).where('id', '=', rows[1]!.id).execute()
    const completed = await repository.listPayouts(db, { status: 'completed', purpose }, page(50, 0))
    assert.ok(completed.rows.every((row) => row.status === 'completed' && row.purpose === purpose))
    assert.ok(completed.rows.some((row) => row.id === rows[1]!.id))
    const refunds = await repository.listPayouts(db, { purpose: 'complaint_refund' }, page(1000, 0))
    assert.ok(refunds.rows.every((row) => row.purpose === 'complaint_refund'))
    const all = await repository.listPayouts(db, {}, page(2, 0))
    assert.deepEqual(
      all.rows.map((row) => row.id),
      [rows[2]!.id, rows[1]!.id],
    )
    const next = await repository.listPayouts(db, {}, page(1, 2))
    assert.deepEqual(
      next.rows.map((row) => row.id),
      [rows[0]!.id],
    )
    const everything = await db
      .selectFrom('payouts')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(all.count, everything.n)
  })

  it('breaks a tie in creation time by the higher id first', async () => {
    const at = new Date(Date.UTC(2032, 0, 1))
    const first = await insert({ now: at })
    const second = await insert({ now: at })
    const listed = await repository.listPayouts(db, {}, page(2, 0))
    assert.deepEqual(
      listed.rows.map((row) => row.id),
      [second.id, first.id],
    )
  })
})

describe('approvePayout', () => {
  const approve = (row: PayoutRow, by = [5]) =>
    repository.approvePayout(db, row.purpose, row.subject_id, by, LATER)

  for (const status of ['pending', 'prepared'] as const) {
    it(`approves a ${status} payout: approved, by whom, when`, async () => {
      const row = await inStatus(status)
      const approved = await approve(row, [5, 6])
      assert.deepEqual(
        [approved?.status, approved?.approved_by, approved?.approved_at, approved?.updated_at],
        ['approved', [5, 6], LATER, LATER],
      )
    })
  }

  it('only remembers the approval of a failed payout, which stays failed', async () => {
    const row = await inStatus('failed')
    const approved = await approve(row)
    assert.deepEqual([approved?.status, approved?.approved_at], ['failed', LATER])
  })

  for (const status of ['approved', 'funded', 'completed', 'cancelled'] as const) {
    it(`does not approve a ${status} payout, and changes nothing`, async () => {
      const row = await inStatus(status)
      assert.equal(await approve(row), undefined)
      assert.deepEqual(await reread(row), row)
    })
  }

  it('approves once: a payout approved already (even failed since) is not approved again', async () => {
    const row = await inStatus('pending')
    await approve(row, [5])
    await db
      .updateTable('payouts')
      .set({ status: 'failed', failure_reason: 'Refused.' })
      .where('id', '=', row.id)
      .execute()
    assert.equal(await approve(row, [9]), undefined)
    assert.deepEqual((await reread(row))?.approved_by, [5])
  })

  it('approves only the payout of that purpose and subject', async () => {
    const row = await inStatus('pending')
    assert.equal(await repository.approvePayout(db, 'early_payment', row.subject_id, [5], LATER), undefined)
    assert.equal((await reread(row))?.status, 'pending')
  })
})

describe('cancelPayout', () => {
  const cancel = (row: PayoutRow) => repository.cancelPayout(db, row.purpose, row.subject_id, LATER)

  for (const status of STATUSES) {
    const cancellable = ['pending', 'prepared', 'approved', 'failed'].includes(status)
    it(`${cancellable ? 'cancels' : 'does not cancel'} a ${status} payout whose funding has not started`, async () => {
      const row = await inStatus(status)
      const cancelled = await cancel(row)
      if (cancellable) assert.deepEqual([cancelled?.status, cancelled?.updated_at], ['cancelled', LATER])
      else {
        assert.equal(cancelled, undefined)
        assert.deepEqual(await reread(row), row)
      }
    })
  }

  it('does not cancel an approved payout once its funding started', async () => {
    const row = await inStatus('approved', { funding_started_at: NOW })
    assert.equal(await cancel(row), undefined)
    assert.equal((await reread(row))?.status, 'approved')
  })

  it('cancels only the payout of that purpose and subject', async () => {
    const row = await inStatus('pending')
    assert.equal(await repository.cancelPayout(db, 'early_payment', row.subject_id, LATER), undefined)
    assert.equal((await reread(row))?.status, 'pending')
  })
})

describe('provider ids and moves', () => {
  it('stores only the provider ids it is given, and leaves the others', async () => {
    const row = await insert()
    const expires = new Date('2026-05-01T10:30:00Z')
    await repository.recordProviderIds(db, row.id, { quoteId: 'q-1', quoteExpiresAt: expires }, LATER)
    await repository.recordProviderIds(db, row.id, { recipientId: 'r-1' }, LATER)
    await repository.recordProviderIds(db, row.id, { transferId: 't-1' }, LATER)
    const stored = await reread(row)
    assert.deepEqual(
      [
        stored?.provider_quote_id,
        stored?.provider_quote_expires_at,
        stored?.provider_recipient_id,
        stored?.provider_transfer_id,
        stored?.updated_at,
      ],
      ['q-1', expires, 'r-1', 't-1', LATER],
    )
  })

  it('moves a payout from one of `from` only, with the extra columns', async () => {
    const row = await inStatus('approved')
    assert.equal(await repository.movePayout(db, row.id, ['pending'], 'prepared', LATER), undefined)
    const moved = await repository.movePayout(db, row.id, ['pending', 'approved'], 'completed', LATER, {
      reference: 'PIX-1',
    })
    assert.deepEqual([moved?.status, moved?.reference, moved?.updated_at], ['completed', 'PIX-1', LATER])
  })

  it('forgets a cancelled transfer only while the payout is in `from` and still has it', async () => {
    const change = (transferId: string, from: PayoutStatus[] = ['approved']) => ({
      from,
      transferId,
      reason: 'r'.repeat(1200),
      idempotencyKey: randomUUID(),
      now: LATER,
    })
    const row = await inStatus('approved', {
      provider_quote_id: 'q',
      provider_quote_expires_at: NOW,
      provider_recipient_id: 'r',
      provider_transfer_id: 't-7',
      funding_started_at: NOW,
    })
    assert.equal(await repository.failForgettingTransfer(db, row.id, change('t-8')), undefined)
    assert.equal(await repository.failForgettingTransfer(db, row.id, change('t-7', ['pending'])), undefined)
    assert.deepEqual(await reread(row), row)
    const forgetting = change('t-7')
    const failed = await repository.failForgettingTransfer(db, row.id, forgetting)
    assert.deepEqual(
      [
        failed?.status,
        failed?.failure_reason,
        failed?.provider_quote_id,
        failed?.provider_quote_expires_at,
        failed?.provider_recipient_id,
        failed?.provider_transfer_id,
        failed?.funding_started_at,
        failed?.idempotency_key,
        failed?.updated_at,
      ],
      ['failed', 'r'.repeat(1000), null, null, null, null, null, forgetting.idempotencyKey, LATER],
    )
  })
})

describe('recipientOf', () => {
  const row = (columns: Partial<PayoutRow>) =>
    ({
      holder_name: null,
      iban: null,
      bank_code: null,
      branch: null,
      account_number: null,
      ...columns,
    }) as PayoutRow

  it('reads an IBAN recipient and a domestic one from their columns', () => {
    assert.deepEqual(
      repository.recipientOf(row({ holder_name: 'Ana Souza', iban: 'DE89370400440532013000' })),
      IBAN,
    )
    assert.deepEqual(
      repository.recipientOf(
        row({
          holder_name: 'Fornecedora Ltda.',
          bank_code: '001',
          branch: '1234',
          account_number: '56789-0',
        }),
      ),
      DOMESTIC,
    )
  })

  it('has no recipient without a holder, or with a domestic account missing a part', () => {
    assert.equal(repository.recipientOf(row({ iban: 'DE89370400440532013000' })), undefined)
    for (const missing of ['bank_code', 'branch', 'account_number'] as const) {
      const parts = {
        holder_name: 'X',
        bank_code: '001',
        branch: '1234',
        account_number: '5',
        [missing]: null,
      }
      assert.equal(repository.recipientOf(row(parts)), undefined, missing)
    }
  })
})

describe('countPayoutsByStatus', () => {
  it('counts the payouts of each status there is', async () => {
    const before = new Map((await repository.countPayoutsByStatus(db)).map((row) => [row.status, row.count]))
    await inStatus('funded')
    await inStatus('funded')
    await inStatus('cancelled')
    const after = new Map((await repository.countPayoutsByStatus(db)).map((row) => [row.status, row.count]))
    assert.equal(after.get('funded'), (before.get('funded') ?? 0) + 2)
    assert.equal(after.get('cancelled'), (before.get('cancelled') ?? 0) + 1)
  })
})

describe('the sweep’s look-ups', () => {
  // Far in the past, so no other test's payouts are this old.
  const at = (minute: number) => new Date(Date.UTC(2001, 0, 1, 0, minute))
  const CUTOFF = at(30)

  async function settled(status: PayoutStatus, minute: number, provider: 'manual' | 'wise' = 'wise') {
    return inStatus(status, { updated_at: at(minute), provider })
  }

  it('finds pending and approved payouts unchanged since the cutoff, oldest first, up to the limit', async () => {
    const approved = await settled('approved', 20)
    const pending = await settled('pending', 10)
    const atCutoff = await settled('pending', 30)
    await settled('pending', 31)
    for (const status of ['prepared', 'funded', 'completed', 'cancelled', 'failed'] as const)
      await settled(status, 5)
    const found = await repository.findUnsettledPayouts(db, { cutoff: CUTOFF, recordingOnly: [], limit: 10 })
    assert.deepEqual(found, [pending.id, approved.id, atCutoff.id])
    const first = await repository.findUnsettledPayouts(db, { cutoff: CUTOFF, recordingOnly: [], limit: 1 })
    assert.deepEqual(first, [pending.id])
  })

  it('leaves approved payouts of a recording-only provider to a person, but still prepares their pending ones', async () => {
    const cutoff = at(59)
    const manualApproved = await settled('approved', 41, 'manual')
    const manualPending = await settled('pending', 42, 'manual')
    const wiseApproved = await settled('approved', 43, 'wise')
    const found = await repository.findUnsettledPayouts(db, { cutoff, recordingOnly: ['manual'], limit: 100 })
    assert.equal(found.includes(manualApproved.id), false)
    assert.ok(found.includes(manualPending.id) && found.includes(wiseApproved.id))
  })

  it('locks a payout only while it is pending or approved and unchanged since the cutoff', async () => {
    const waiting = await settled('approved', 12)
    assert.equal((await repository.lockUnsettledPayout(db, waiting.id, CUTOFF))?.id, waiting.id)
    const pending = await settled('pending', 12)
    assert.equal((await repository.lockUnsettledPayout(db, pending.id, CUTOFF))?.id, pending.id)
    assert.equal(await repository.lockUnsettledPayout(db, waiting.id, at(11)), undefined)
    for (const status of ['prepared', 'funded', 'completed', 'cancelled', 'failed'] as const) {
      const other = await settled(status, 12)
      assert.equal(await repository.lockUnsettledPayout(db, other.id, CUTOFF), undefined, status)
    }
  })

  it('touches a payout: changed now, and no other', async () => {
    const touched = await settled('pending', 13)
    const untouched = await settled('pending', 13)
    await repository.touchPayout(db, touched.id, LATER)
    assert.deepEqual((await reread(touched))?.updated_at, LATER)
    assert.deepEqual((await reread(untouched))?.updated_at, at(13))
  })
})
