import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { decide, fileComplaint, REFUND_IBAN, refundOf } from '../../../test/helpers/complaints.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { AuditEvent } from './audit.schemas.ts'

const IBAN = 'DE89370400440532013000'

let t: TestApp
let admin: SignedInUser
let operator: SignedInUser

before(async () => {
  // The filters test moves the clock days on; tokens stay valid.
  t = await buildTestApp({ env: { APPROVAL_THRESHOLD_COMPLAINT_REFUND: '1000.00', JWT_ACCESS_TTL: '30d' } })
  admin = await signIn(t, ['admin'])
  operator = await signIn(t, ['operator'])
})
after(() => t.close())

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

async function audit(query: string, caller = admin): Promise<Page<AuditEvent>> {
  const size = query.includes('page_size=') ? '' : 'page_size=100&'
  const response = await as(caller, { method: 'GET', url: `/api/audit?${size}${query}` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<AuditEvent>>()
}

/** The events of one subject, oldest first. */
async function eventsOf(type: string, id: number): Promise<AuditEvent[]> {
  return (await audit(`subject_type=${type}&subject_id=${id}`)).results.reverse()
}

async function newCompany(bankAccounts: Record<string, unknown>[] = []): Promise<number> {
  const response = await as(operator, {
    method: 'POST',
    url: '/api/companies',
    payload: {
      legal_name: 'Nordlicht Logistik GmbH',
      registration_number: String(randomInt(10_000_000_000_000, 100_000_000_000_000)),
      email: 'buchhaltung@nordlicht.de',
      bank_accounts: bankAccounts,
    },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<{ id: number }>().id
}

describe('GET /api/audit: who may read it', () => {
  it('is for admins only: 401 without a token, 403 for operators, approvers and plain users', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/audit' })).statusCode, 401)
    for (const roles of [['operator'], ['approver'], []] as const) {
      const caller = await signIn(t, [...roles])
      assertProblem(await as(caller, { method: 'GET', url: '/api/audit' }), 403, 'forbidden')
    }
    assert.equal((await as(admin, { method: 'GET', url: '/api/audit' })).statusCode, 200)
  })
})

describe('what the audit log records', () => {
  it('records each approval and the decision of a complaint, with who, when and the request id', async () => {
    const complaint = await fileComplaint(t, await signIn(t, [], { iban: REFUND_IBAN }), {
      amount: '2000.00',
    })
    const [first, second] = [await signIn(t, ['approver']), await signIn(t, ['approver'])]
    const firstAnswer = await decide(t, first, complaint.id, 'approve')
    assert.equal(firstAnswer.statusCode, 202)
    const secondAnswer = await decide(t, second, complaint.id, 'approve')
    const events = await eventsOf('complaint', complaint.id)
    assert.deepEqual(
      events.map((event) => [event.action, event.actor]),
      [
        ['complaint.filed', complaint.complainer],
        ['complaint.approval_recorded', first.id],
        ['complaint.approval_recorded', second.id],
        ['complaint.approved', second.id],
      ],
    )
    assert.equal(events[1]?.request_id, firstAnswer.headers['x-request-id'])
    const approved = events[3]
    assert.ok(approved)
    assert.equal(approved.request_id, secondAnswer.headers['x-request-id'])
    assert.equal(approved.at, '2026-03-02T12:00:00.000Z')
    assert.deepEqual(approved.changes.approvers, [first.id, second.id])
  })

  it('records every payout state change with the person or job that caused it, mark-paid and retry, and masks the IBAN', async () => {
    const complaint = await fileComplaint(t, await signIn(t, [], { iban: REFUND_IBAN }))
    const approver = await signIn(t, ['approver'])
    await t.platform.jobs.drain()
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    const paid = await as(operator, {
      method: 'POST',
      url: `/api/payouts/${payout.id}/mark-paid`,
      payload: { reference: 'SEPA 1' },
    })
    assert.equal(paid.statusCode, 200, paid.body)
    const events = await eventsOf('payout', payout.id)
    assert.deepEqual(
      events.map((event) => [event.action, event.actor, event.actor_label]),
      [
        ['payout.pending', complaint.complainer, null],
        ['payout.prepared', null, 'job:prepare-payout'],
        ['payout.approved', approver.id, null],
        ['payout.completed', operator.id, null],
      ],
    )
    assert.deepEqual(events[0]?.changes.recipient, { holder_name: 'Test User', iban: '••••3000' })
    assert.equal(events[3]?.changes.reference, 'SEPA 1')
    assert.doesNotMatch(JSON.stringify(events), new RegExp(REFUND_IBAN))
  })

  it('records a retry of a failed payout', async () => {
    const row = await t.platform.payouts.create(
      t.platform.db,
      {
        purpose: 'early_payment',
        subjectId: 990001,
        amount: '10.00',
        currency: 'BRL',
        recipient: { holder_name: 'Acme', iban: IBAN },
      },
      { system: 'test' },
    )
    await t.platform.db
      .$extendTables<{ payouts: { id: number; status: string; failure_reason: string | null } }>()
      .updateTable('payouts')
      .set({ status: 'failed', failure_reason: 'Refused.' })
      .where('id', '=', row.id)
      .execute()
    const retried = await as(operator, { method: 'POST', url: `/api/payouts/${row.id}/retry` })
    assert.equal(retried.statusCode, 200, retried.body)
    const events = await eventsOf('payout', row.id)
    assert.deepEqual(
      events.map((event) => [event.action, event.actor, event.actor_label, event.changes.retried ?? null]),
      [
        ['payout.pending', null, 'test', null],
        ['payout.pending', operator.id, null, true],
      ],
    )
  })

  it('records bank account creation, changes, default changes and removal, with numbers masked to their last 4 characters', async () => {
    const company = await newCompany([
      { holder_name: 'Nordlicht', iban: IBAN, currency: 'EUR', is_default: true },
    ])
    const added = await as(operator, {
      method: 'POST',
      url: `/api/companies/${company}/bank-accounts`,
      payload: {
        holder_name: 'Nordlicht',
        bank_code: '341',
        branch: '0001',
        account_number: '12345-6',
        currency: 'EUR',
        country: 'BR',
        is_default: true,
      },
    })
    assert.equal(added.statusCode, 201, added.body)
    const domestic = added.json<{ id: number }>().id
    const renamed = await as(operator, {
      method: 'PATCH',
      url: `/api/companies/${company}/bank-accounts/${domestic}`,
      payload: { holder_name: 'Nordlicht GmbH' },
    })
    assert.equal(renamed.statusCode, 200, renamed.body)
    const removed = await as(operator, {
      method: 'DELETE',
      url: `/api/companies/${company}/bank-accounts/${domestic}`,
    })
    assert.equal(removed.statusCode, 204)
    const events = (await audit('subject_type=bank_account')).results
      .reverse()
      .filter((event) => event.changes.company_id === company)
    assert.deepEqual(
      events.map((event) => event.action),
      [
        'bank_account.created',
        'bank_account.default_changed',
        'bank_account.created',
        'bank_account.updated',
        'bank_account.deleted',
      ],
    )
    assert.equal(events[0]?.changes.iban, '••••3000')
    assert.equal(events[2]?.changes.account_number, '••••45-6')
    assert.deepEqual(events[1]?.changes.is_default, { from: true, to: false })
    assert.deepEqual(events[3]?.changes.changed, { holder_name: { from: 'Nordlicht', to: 'Nordlicht GmbH' } })
    assert.ok(events.every((event) => event.actor === operator.id))
    assert.doesNotMatch(JSON.stringify(events), /12345-6|370400440532013000/)
  })

  it('records role changes, deactivations and supplier links', async () => {
    const user = await signIn(t)
    const roles = await as(admin, {
      method: 'PUT',
      url: `/api/users/${user.id}/roles`,
      payload: { roles: ['operator'] },
    })
    assert.equal(roles.statusCode, 200, roles.body)
    const company = await newCompany()
    const linked = await as(operator, {
      method: 'POST',
      url: '/api/suppliers',
      payload: { user: user.id, company },
    })
    assert.equal(linked.statusCode, 201, linked.body)
    assert.equal((await as(admin, { method: 'DELETE', url: `/api/users/${user.id}` })).statusCode, 204)
    const events = await eventsOf('user', user.id)
    assert.deepEqual(
      events.map((event) => [event.action, event.actor, event.changes]),
      [
        ['user.roles_changed', admin.id, { roles: { from: [], to: ['operator'] } }],
        ['user.deactivated', admin.id, { is_active: { from: true, to: false } }],
      ],
    )
    const supplier = linked.json<{ id: number }>().id
    const complainer = await signIn(t)
    const iban = await as(complainer, { method: 'PATCH', url: '/api/auth/me', payload: { iban: IBAN } })
    assert.equal(iban.statusCode, 200, iban.body)
    assert.deepEqual(
      (await eventsOf('user', complainer.id)).map((event) => [event.action, event.actor, event.changes]),
      [['user.iban_changed', complainer.id, { iban: { from: null, to: '••••3000' } }]],
    )
    assert.deepEqual(
      (await eventsOf('supplier', supplier)).map((event) => [event.action, event.actor, event.changes]),
      [['supplier.linked', operator.id, { user: user.id, company }]],
    )
  })
})

describe('filters, order and pages', () => {
  it('filters by actor, action, subject and time, newest first, paginated', async () => {
    const approver = await signIn(t, ['approver'])
    const complainer = await signIn(t, [], { iban: REFUND_IBAN })
    const early = await fileComplaint(t, complainer)
    t.clock.set('2026-03-05T09:00:00Z')
    const late = await fileComplaint(t, complainer)
    await decide(t, approver, late.id, 'reject')
    t.clock.set('2026-03-02T12:00:00Z')

    const byActor = await audit(`actor=${complainer.id}&action=complaint.filed`)
    assert.deepEqual(
      byActor.results.map((event) => event.subject_id),
      [late.id, early.id],
    )
    const byApprover = await audit(`actor=${approver.id}`)
    assert.deepEqual(byApprover.results.map((event) => event.action).sort(), [
      'complaint.rejected',
      'payout.cancelled',
    ])
    const onTheFifth = await audit(`actor=${complainer.id}&from=2026-03-05&to=2026-03-05`)
    assert.ok(onTheFifth.results.every((event) => event.at.startsWith('2026-03-05')))
    assert.equal(onTheFifth.count, 2)
    const untilNoon = await audit(`actor=${complainer.id}&to=2026-03-02T12:00:00Z`)
    assert.equal(untilNoon.count, 2)
    const page = await audit(`actor=${complainer.id}&page_size=1&page=2`)
    assert.equal(page.results.length, 1)
    assert.equal(page.count, 4)
    assert.ok(page.previous?.includes('page_size=1'))
    const ids = (await audit('')).results.map((event) => event.id)
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    )
  })

  it('answers 400 for a time that is not a date or timestamp, or from after to', async () => {
    const bad = await as(admin, { method: 'GET', url: '/api/audit?from=yesterday' })
    assert.ok(assertInvalid(bad).from)
    const reversed = await as(admin, { method: 'GET', url: '/api/audit?from=2026-03-05&to=2026-03-01' })
    assert.ok(assertInvalid(reversed).to)
    assert.ok(assertInvalid(await as(admin, { method: 'GET', url: '/api/audit?actor=abc' })).actor)
  })
})

describe('audit events are append-only', () => {
  it('refuses an UPDATE and a DELETE of an event in the database itself', async () => {
    const db = t.platform.db
    const { rows } = await sql<{ id: number }>`select id from audit_events order by id limit 1`.execute(db)
    const id = rows[0]?.id
    assert.ok(id !== undefined)
    await assert.rejects(
      sql`update audit_events set action = 'forged' where id = ${id}`.execute(db),
      /cannot be changed/,
    )
    await assert.rejects(
      sql`delete from audit_events where id = ${id}`.execute(db),
      /cannot be changed or deleted/,
    )
    const kept = await sql<{ action: string }>`select action from audit_events where id = ${id}`.execute(db)
    assert.notEqual(kept.rows[0]?.action, 'forged')
  })
})
