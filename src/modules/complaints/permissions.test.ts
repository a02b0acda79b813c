import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { complaintBody, fileComplaint, postComplaint, REFUND_IBAN } from '../../../test/helpers/complaints.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import type { Role } from '../../platform/http/actor.ts'

type Caller =
  'anonymous' | 'user without IBAN' | 'complainer' | 'other user' | 'approver' | 'admin' | 'operator'

const CALLERS: Caller[] = [
  'anonymous',
  'user without IBAN',
  'complainer',
  'other user',
  'approver',
  'admin',
  'operator',
]
const ROLES_OF: Partial<Record<Caller, Role[]>> = {
  approver: ['approver'],
  admin: ['admin'],
  operator: ['operator'],
}
const REFUSAL_CODE: Record<number, string> = {
  400: 'validation_failed',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
}
const UNKNOWN_ID = 2147483647

/** Only approvers; everyone else 403. */
const approversOnly = (status: number): Record<Caller, number> => ({
  anonymous: 401,
  'user without IBAN': 403,
  complainer: 403,
  'other user': 403,
  approver: status,
  admin: 403,
  operator: 403,
})

interface RouteRule {
  route: string
  expected: Record<Caller, number>
  /** A request right in every respect but, perhaps, who sends it; `complaint` is the complainer's. */
  send(caller: SignedInUser | undefined, complaint: number): Promise<LightMyRequestResponse>
}

let t: TestApp

before(async () => {
  t = await buildTestApp()
})
after(() => t.close())

function as(
  caller: SignedInUser | undefined,
  request: { method: 'GET' | 'PUT' | 'DELETE'; url: string; payload?: object },
) {
  return t.app.inject({ ...request, headers: { ...caller?.headers } })
}

async function callerFor(caller: Caller, complainer: SignedInUser): Promise<SignedInUser | undefined> {
  if (caller === 'anonymous') return undefined
  if (caller === 'complainer') return complainer
  if (caller === 'user without IBAN') return signIn(t)
  // Everyone else has an IBAN, so that only their role decides.
  return signIn(t, ROLES_OF[caller] ?? [], { iban: REFUND_IBAN })
}

const rules: RouteRule[] = [
  {
    route: 'GET /api/complaints',
    expected: {
      anonymous: 401,
      'user without IBAN': 200,
      complainer: 200,
      'other user': 200,
      approver: 200,
      admin: 200,
      operator: 200,
    },
    send: (caller) => as(caller, { method: 'GET', url: '/api/complaints' }),
  },
  {
    route: 'POST /api/complaints',
    expected: {
      anonymous: 401,
      'user without IBAN': 400,
      complainer: 201,
      'other user': 201,
      approver: 201,
      admin: 201,
      operator: 201,
    },
    send: async (caller) =>
      caller
        ? postComplaint(t, caller, await complaintBody())
        : t.app.inject({ method: 'POST', url: '/api/complaints', payload: await complaintBody() }),
  },
  {
    route: 'GET /api/complaints/{id}',
    expected: {
      anonymous: 401,
      'user without IBAN': 404,
      complainer: 200,
      'other user': 404,
      approver: 200,
      admin: 200,
      operator: 404,
    },
    send: (caller, id) => as(caller, { method: 'GET', url: `/api/complaints/${id}` }),
  },
  {
    route: 'PUT /api/complaints/{id}/approve',
    expected: approversOnly(200),
    send: (caller, id) => as(caller, { method: 'PUT', url: `/api/complaints/${id}/approve` }),
  },
  {
    route: 'PUT /api/complaints/{id}/reject',
    expected: approversOnly(200),
    send: (caller, id) => as(caller, { method: 'PUT', url: `/api/complaints/${id}/reject`, payload: {} }),
  },
  {
    route: 'DELETE /api/complaints/{id}',
    expected: {
      anonymous: 401,
      'user without IBAN': 403,
      complainer: 403,
      'other user': 403,
      approver: 403,
      admin: 204,
      operator: 403,
    },
    send: (caller, id) => as(caller, { method: 'DELETE', url: `/api/complaints/${id}` }),
  },
]

describe('who may call each complaints route', () => {
  for (const rule of rules) {
    describe(rule.route, () => {
      for (const caller of CALLERS) {
        const status = rule.expected[caller]
        it(`answers the ${caller} with ${status}`, async () => {
          const complainer = await signIn(t, [], { iban: REFUND_IBAN })
          const complaint = await fileComplaint(t, complainer)
          const response = await rule.send(await callerFor(caller, complainer), complaint.id)
          const refusal = REFUSAL_CODE[status]
          if (refusal === undefined) assert.equal(response.statusCode, status, response.body)
          else assertProblem(response, status, refusal)
        })
      }
    })
  }

  describe('order of checks: 401, then 403, then 404, then 400', () => {
    it('answers an anonymous bad request with 401', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/complaints', payload: { title: 1 } })
      assertProblem(response, 401, 'not_authenticated')
    })

    it('answers a non-approver deciding on a missing complaint with a bad body with 403', async () => {
      const user = await signIn(t, ['admin'], { iban: REFUND_IBAN })
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/complaints/${UNKNOWN_ID}/reject`,
        headers: user.headers,
        payload: { reason: 5 },
      })
      assertProblem(response, 403, 'forbidden')
    })

    it('answers an approver rejecting a missing complaint with a bad body with 404', async () => {
      const approver = await signIn(t, ['approver'])
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/complaints/${UNKNOWN_ID}/reject`,
        headers: approver.headers,
        payload: { reason: 5 },
      })
      assertProblem(response, 404, 'not_found')
    })
  })
})
