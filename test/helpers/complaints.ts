import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import type { SignedInUser } from './accounts.ts'
import type { TestApp } from './app.ts'
import { pictureBytes } from './images.ts'

/** A valid IBAN for complainers' profiles. */
export const REFUND_IBAN = 'DE89370400440532013000'

export interface FiledComplaint {
  id: number
  title: string
  amount: string
  currency: string
  status: string
  complainer: number
  decided_by: number | null
  decided_at: string | null
  reason: string | null
  photo_url: string
  photo_variants: { size: number; url: string }[]
  created_at: string
  approvals: { user: number; at: string }[]
  approvals_required: number
}

/** A JSON complaint body with a real JPEG photo; `overrides` replace or add fields. */
export async function complaintBody(
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return {
    title: 'Broken chair delivered',
    description: 'The chair arrived with a broken leg.',
    amount: '120.00',
    encoded_photo: (await pictureBytes()).toString('base64'),
    extension: 'jpg',
    ...overrides,
  }
}

export function postComplaint(
  t: TestApp,
  caller: SignedInUser,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/complaints',
    headers: { ...caller.headers, ...headers },
    payload,
  })
}

/** Files a complaint as `caller` (who needs an IBAN) and returns it. */
export async function fileComplaint(
  t: TestApp,
  caller: SignedInUser,
  overrides: Record<string, unknown> = {},
): Promise<FiledComplaint> {
  const response = await postComplaint(t, caller, await complaintBody(overrides))
  assert.equal(response.statusCode, 201, response.body)
  return response.json<FiledComplaint>()
}

export function decide(
  t: TestApp,
  caller: SignedInUser,
  id: number,
  decision: 'approve' | 'reject',
  payload?: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'PUT',
    url: `/api/complaints/${id}/${decision}`,
    headers: caller.headers,
    ...(payload ? { payload } : {}),
  })
}

export interface ShownPayout {
  id: number
  purpose: string
  subject_id: number
  amount: string
  currency: string
  recipient: Record<string, string> | null
  provider: string
  status: string
  reference: string | null
  failure_reason: string | null
}

/** The refund payout of a complaint, as an operator sees it. */
export async function refundOf(
  t: TestApp,
  operator: SignedInUser,
  complaintId: number,
): Promise<ShownPayout> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/payouts?purpose=complaint_refund&page_size=100',
    headers: operator.headers,
  })
  assert.equal(response.statusCode, 200, response.body)
  const payout = response
    .json<{ results: ShownPayout[] }>()
    .results.find((candidate) => candidate.subject_id === complaintId)
  assert.ok(payout, `complaint ${complaintId} has a refund payout`)
  return payout
}
