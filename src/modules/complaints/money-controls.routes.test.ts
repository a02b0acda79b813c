import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import {
  complaintBody,
  decide,
  fileComplaint,
  postComplaint,
  REFUND_IBAN,
  refundOf,
  type FiledComplaint,
} from '../../../test/helpers/complaints.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import { startSmtpCapture, type SmtpCapture } from '../../../test/helpers/smtp.ts'

const NOW = '2026-03-02T12:00:00Z'
const DATABASE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'

/** Refunds above 1000.00 need two approvers here; a user files at most 3 complaints a day. */
let t: TestApp
let smtp: SmtpCapture
let operator: SignedInUser

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({
    now: NOW,
    env: {
      SMTP_URL: smtp.url,
      APPROVAL_THRESHOLD_COMPLAINT_REFUND: '1000.00',
      COMPLAINTS_PER_DAY: '3',
      // The rate-limit test moves the clock a day on; tokens stay valid.
      JWT_ACCESS_TTL: '7d',
    },
  })
  operator = await signIn(t, ['operator'])
})
after(async () => {
  await t.close()
  await smtp.close()
})

type Approved = FiledComplaint & { approvals: { user: number; at: string }[]; approvals_required: number }

async function complaintOf(amount: string) {
  const complainer = await signIn(t, [], { iban: REFUND_IBAN })
  return { complainer, complaint: await fileComplaint(t, complainer, { amount }) }
}

async function emailsTo(to: string) {
  await t.platform.jobs.drain()
  return smtp.messages.filter((message) => message.recipients.includes(to))
}

describe('separation of duties: nobody decides their own complaint', () => {
  it('refuses an approver approving their own complaint, whatever their roles (403 own_request)', async () => {
    const both = await signIn(t, ['approver', 'admin', 'operator'], { iban: REFUND_IBAN })
    const complaint = await fileComplaint(t, both, { amount: '100.00' })
    assertProblem(await decide(t, both, complaint.id, 'approve'), 403, 'own_request')
    assertProblem(await decide(t, both, complaint.id, 'reject'), 403, 'own_request')
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'pending')
  })

  it('lets another approver decide it', async () => {
    const { complaint } = await complaintOf('100.00')
    const response = await decide(t, await signIn(t, ['approver']), complaint.id, 'approve')
    assert.equal(response.statusCode, 200, response.body)
  })
})

describe(`two-person approval above APPROVAL_THRESHOLD_COMPLAINT_REFUND (${DATABASE})`, () => {
  it('needs one approval at the threshold itself: 200, approvals [] and approvals_required 1', async () => {
    const { complaint } = await complaintOf('1000.00')
    assert.deepEqual([complaint.approvals, complaint.approvals_required], [[], 1])
    const response = await decide(t, await signIn(t, ['approver']), complaint.id, 'approve')
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<Approved>().status, 'approved')
  })

  it('records a first approval above it (202, still pending, no email, payout not approved), and the second approver completes it', async () => {
    const { complainer, complaint } = await complaintOf('1000.01')
    assert.equal(complaint.approvals_required, 2)
    const [first, second] = [await signIn(t, ['approver']), await signIn(t, ['approver'])]
    const firstAnswer = await decide(t, first, complaint.id, 'approve')
    assert.equal(firstAnswer.statusCode, 202, firstAnswer.body)
    const pending = firstAnswer.json<Approved>()
    assert.equal(pending.status, 'pending')
    assert.deepEqual(pending.approvals, [{ user: first.id, at: '2026-03-02T12:00:00.000Z' }])
    assert.equal(pending.approvals_required, 2)
    assert.deepEqual(await emailsTo(complainer.email), [])
    assert.notEqual((await refundOf(t, operator, complaint.id)).status, 'approved')

    const secondAnswer = await decide(t, second, complaint.id, 'approve')
    assert.equal(secondAnswer.statusCode, 200, secondAnswer.body)
    const approved = secondAnswer.json<Approved>()
    assert.equal(approved.status, 'approved')
    assert.deepEqual(
      approved.approvals.map((approval) => approval.user),
      [first.id, second.id],
    )
    const refund = await refundOf(t, operator, complaint.id)
    assert.equal(refund.status, 'approved')
    assert.deepEqual((refund as unknown as { approved_by: number[] }).approved_by, [first.id, second.id])
    const emails = await emailsTo(complainer.email)
    assert.deepEqual(
      emails.map((email) => email.parsed.subject),
      ['Your complaint was approved'],
    )
  })

  it('refuses the same approver twice (409 already_approved_by_you) and keeps it pending', async () => {
    const { complaint } = await complaintOf('5000.00')
    const approver = await signIn(t, ['approver'])
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 202)
    assertProblem(await decide(t, approver, complaint.id, 'approve'), 409, 'already_approved_by_you')
    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/complaints/${complaint.id}`,
      headers: approver.headers,
    })
    assert.equal(shown.json<Approved>().status, 'pending')
    assert.equal(shown.json<Approved>().approvals.length, 1)
  })

  it('ends it at once when an approver rejects it after a first approval', async () => {
    const { complaint } = await complaintOf('5000.00')
    assert.equal((await decide(t, await signIn(t, ['approver']), complaint.id, 'approve')).statusCode, 202)
    const response = await decide(t, await signIn(t, ['approver']), complaint.id, 'reject', {
      reason: 'Not covered.',
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<Approved>().status, 'rejected')
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'cancelled')
    assertProblem(
      await decide(t, await signIn(t, ['approver']), complaint.id, 'approve'),
      409,
      'complaint_already_decided',
    )
  })

  it('lets the first approver change their mind and reject it', async () => {
    const { complaint } = await complaintOf('5000.00')
    const approver = await signIn(t, ['approver'])
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 202)
    const response = await decide(t, approver, complaint.id, 'reject')
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<Approved>().status, 'rejected')
  })

  it('settles ten racing second approvals to exactly one completion', async () => {
    const { complaint } = await complaintOf('5000.00')
    assert.equal((await decide(t, await signIn(t, ['approver']), complaint.id, 'approve')).statusCode, 202)
    const approvers = await Promise.all(Array.from({ length: 10 }, () => signIn(t, ['approver'])))
    const answers = await Promise.all(
      approvers.map((approver) => decide(t, approver, complaint.id, 'approve')),
    )
    const codes = answers.map((answer) => answer.statusCode).sort()
    assert.deepEqual(codes, [200, ...Array<number>(9).fill(409)])
    const winner = answers.find((answer) => answer.statusCode === 200)
    assert.equal(winner?.json<Approved>().approvals.length, 2)
    for (const loser of answers.filter((answer) => answer.statusCode === 409)) {
      assert.equal(loser.json<{ code: string }>().code, 'complaint_already_decided')
    }
    const refund = await refundOf(t, operator, complaint.id)
    assert.equal((refund as unknown as { approved_by: number[] }).approved_by.length, 2)
  })
})

describe('verified people only', () => {
  it('refuses a complaint from a user whose email is not verified (403 email_not_verified), saying how to verify', async () => {
    const unverified = await signIn(t, [], { iban: REFUND_IBAN, verified: false })
    const response = await postComplaint(t, unverified, await complaintBody({ amount: '99999.99' }))
    const problem = assertProblem(response, 403, 'email_not_verified')
    assert.match(problem.detail, /inbox/)
    assert.match(problem.detail, /POST \/api\/auth\/verify-email\/resend/)
    const mine = await t.app.inject({ method: 'GET', url: '/api/complaints', headers: unverified.headers })
    assert.equal(mine.json<{ count: number }>().count, 0)
  })
})

describe('COMPLAINTS_PER_DAY', () => {
  it('refuses the complaint past the limit in 24 hours with 429 and Retry-After, and accepts it once the oldest is a day old', async () => {
    const complainer = await signIn(t, [], { iban: REFUND_IBAN })
    await fileComplaint(t, complainer)
    t.clock.set('2026-03-02T13:00:00Z')
    await fileComplaint(t, complainer)
    await fileComplaint(t, complainer)
    t.clock.set('2026-03-02T18:00:00Z')
    const refused = await postComplaint(t, complainer, await complaintBody())
    assertProblem(refused, 429, 'too_many_complaints')
    // The first complaint (12:00) leaves the window at 12:00 the next day: 18 hours from now.
    assert.equal(refused.headers['retry-after'], String(18 * 3600))
    // Another user is not affected.
    await fileComplaint(t, await signIn(t, [], { iban: REFUND_IBAN }))
    t.clock.set('2026-03-03T12:00:01Z')
    await fileComplaint(t, complainer)
    t.clock.set(NOW)
  })
})
