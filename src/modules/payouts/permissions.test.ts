import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import type { Role } from '../../platform/http/actor.ts'
import type { PayoutStatus } from '../../platform/payouts/index.ts'

type Caller = 'anonymous' | 'plain user' | 'approver' | 'admin' | 'operator'
const CALLERS: Caller[] = ['anonymous', 'plain user', 'approver', 'admin', 'operator']
const ROLES_OF: Record<Exclude<Caller, 'anonymous'>, Role[]> = {
  'plain user': [],
  approver: ['approver'],
  admin: ['admin'],
  operator: ['operator'],
}
const REFUSAL_CODE: Record<number, string> = { 401: 'not_authenticated', 403: 'forbidden' }

/** Admins and operators; everyone else 403. */
const finance = (status: number): Record<Caller, number> => ({
  anonymous: 401,
  'plain user': 403,
  approver: 403,
  admin: status,
  operator: status,
})

let t: TestApp
let subject = 1

before(async () => {
  t = await buildTestApp()
})
after(() => t.close())

/** A payout in `status` (set directly: the states themselves are tested elsewhere). */
async function payoutIn(status: PayoutStatus): Promise<number> {
  const row = await t.platform.payouts.create(
    t.platform.db,
    {
      purpose: 'early_payment',
      subjectId: subject++,
      amount: '10.00',
      currency: 'EUR',
      recipient: { holder_name: 'Nordlicht Logistik GmbH', iban: 'DE89370400440532013000' },
    },
    { system: 'test' },
  )
  await t.platform.db
    .$extendTables<{ payouts: { id: number; status: string; failure_reason: string | null } }>()
    .updateTable('payouts')
    .set({ status, failure_reason: status === 'failed' ? 'Refused.' : null })
    .where('id', '=', row.id)
    .execute()
  return row.id
}

const rules: {
  route: string
  status: PayoutStatus
  send: (headers: Record<string, string>, id: number) => Promise<LightMyRequestResponse>
}[] = [
  {
    route: 'GET /api/payouts',
    status: 'pending',
    send: (headers) => t.app.inject({ method: 'GET', url: '/api/payouts', headers }),
  },
  {
    route: 'GET /api/payouts/{id}',
    status: 'pending',
    send: (headers, id) => t.app.inject({ method: 'GET', url: `/api/payouts/${id}`, headers }),
  },
  {
    route: 'POST /api/payouts/{id}/mark-paid',
    status: 'approved',
    send: (headers, id) =>
      t.app.inject({
        method: 'POST',
        url: `/api/payouts/${id}/mark-paid`,
        headers,
        payload: { reference: 'R1' },
      }),
  },
  {
    route: 'POST /api/payouts/{id}/retry',
    status: 'failed',
    send: (headers, id) => t.app.inject({ method: 'POST', url: `/api/payouts/${id}/retry`, headers }),
  },
]

describe('who may call each payouts route', () => {
  for (const rule of rules) {
    describe(rule.route, () => {
      for (const caller of CALLERS) {
        const status = finance(200)[caller]
        it(`answers ${caller === 'anonymous' ? 'an anonymous caller' : `the ${caller}`} with ${status}`, async () => {
          const id = await payoutIn(rule.status)
          const user = caller === 'anonymous' ? undefined : await signIn(t, ROLES_OF[caller])
          const response = await rule.send(user?.headers ?? {}, id)
          const refusal = REFUSAL_CODE[status]
          if (refusal === undefined) assert.equal(response.statusCode, status, response.body)
          else assertProblem(response, status, refusal)
        })
      }
    })
  }

  it('answers a plain user’s bad request with 403 before looking at it', async () => {
    const user: SignedInUser = await signIn(t)
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/payouts/abc/mark-paid',
      headers: user.headers,
      payload: { nope: true },
    })
    assertProblem(response, 403, 'forbidden')
  })
})
