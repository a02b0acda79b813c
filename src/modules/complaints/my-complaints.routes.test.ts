import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { decide, fileComplaint, REFUND_IBAN, type FiledComplaint } from '../../../test/helpers/complaints.ts'
import { assertInvalid } from '../../../test/helpers/problems.ts'
import type { Page } from '../../platform/http/pagination.ts'

/* GET /api/complaints?mine=true: the complaints the caller filed, whatever their roles. */

const NOW = '2026-03-02T12:00:00Z'

let t: TestApp
let approver: SignedInUser
let admin: SignedInUser
let guest: SignedInUser
const filed = new Map<SignedInUser, FiledComplaint[]>()

before(async () => {
  t = await buildTestApp({ now: NOW })
  approver = await signIn(t, ['approver'], { iban: REFUND_IBAN })
  admin = await signIn(t, ['admin'], { iban: REFUND_IBAN })
  guest = await signIn(t, [], { iban: REFUND_IBAN })
  for (const [user, count] of [
    [guest, 2],
    [approver, 1],
    [admin, 1],
  ] as const) {
    const complaints: FiledComplaint[] = []
    for (let n = 0; n < count; n += 1) {
      t.clock.advance(60_000)
      complaints.push(await fileComplaint(t, user, { title: `Complaint ${n}` }))
    }
    filed.set(user, complaints)
  }
  // The admin's complaint decided by the approver: `mine` is about who filed, not who decided.
  const [adminsComplaint] = filed.get(admin) ?? []
  assert.equal((await decide(t, approver, adminsComplaint?.id ?? 0, 'reject')).statusCode, 200)
})
after(() => t.close())

async function list(caller: SignedInUser, query: string): Promise<Page<FiledComplaint>> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/complaints${query}`,
    headers: caller.headers,
  })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<FiledComplaint>>()
}

const idsOf = (page: Page<FiledComplaint>) => page.results.map((complaint) => complaint.id)
/** Newest first, as the list is ordered. */
const newestFirst = (user: SignedInUser) => (filed.get(user) ?? []).map((complaint) => complaint.id).reverse()

describe('GET /api/complaints?mine=true', () => {
  it('shows an approver only the complaints they filed', async () => {
    const page = await list(approver, '?mine=true')
    assert.deepEqual(idsOf(page), newestFirst(approver))
    assert.equal(page.count, 1)
  })

  it('shows an admin their own, and an approver not the complaints they decided', async () => {
    assert.deepEqual(idsOf(await list(admin, '?mine=true')), newestFirst(admin))
    assert.deepEqual(idsOf(await list(approver, '?mine=true&status=rejected')), [])
  })

  it('shows any other user their own complaints, as without it', async () => {
    assert.deepEqual(idsOf(await list(guest, '?mine=true')), newestFirst(guest))
    assert.deepEqual(idsOf(await list(guest, '?mine=true')), idsOf(await list(guest, '')))
  })

  it('combines with the status filter', async () => {
    assert.deepEqual(idsOf(await list(admin, '?mine=true&status=rejected')), newestFirst(admin))
    assert.deepEqual(idsOf(await list(admin, '?mine=true&status=pending')), [])
  })

  it('keeps today’s behaviour with mine=false or without it: approvers and admins see every complaint', async () => {
    const every = await list(approver, '')
    assert.equal(every.count, 4)
    assert.deepEqual(idsOf(await list(approver, '?mine=false')), idsOf(every))
    assert.deepEqual(idsOf(await list(admin, '?mine=false')), idsOf(every))
  })

  it('answers a mine that is not true or false with 400 on mine', async () => {
    for (const value of ['yes', '2', 'maybe']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/complaints?mine=${value}`,
        headers: guest.headers,
      })
      assert.ok(assertInvalid(response).mine, value)
    }
  })
})
