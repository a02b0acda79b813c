import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { createUser, login, signIn, uniqueEmail, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { Role } from '../../platform/http/actor.ts'
import type { User } from './auth.schemas.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'

type Caller = 'anonymous' | 'plain user' | 'operator' | 'approver' | 'admin'
type SignedInCaller = Exclude<Caller, 'anonymous'>

const CALLERS: Caller[] = ['anonymous', 'plain user', 'operator', 'approver', 'admin']
const NOT_ADMINS: SignedInCaller[] = ['plain user', 'operator', 'approver']
const ROLES_OF: Record<SignedInCaller, Role[]> = {
  'plain user': [],
  operator: ['operator'],
  approver: ['approver'],
  admin: ['admin'],
}
/** An id no user has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647

const anyone = (status: number): Record<Caller, number> => ({
  anonymous: status,
  'plain user': status,
  operator: status,
  approver: status,
  admin: status,
})
const authenticated = (status: number): Record<Caller, number> => ({ ...anyone(status), anonymous: 401 })
const adminOnly = (status: number): Record<Caller, number> => ({
  anonymous: 401,
  'plain user': 403,
  operator: 403,
  approver: 403,
  admin: status,
})

function describeCaller(caller: Caller): string {
  if (caller === 'anonymous') return 'an anonymous caller'
  return /^[aeiou]/.test(caller) ? `an ${caller}` : `a ${caller}`
}

/** What a refusal says, by status: who is asking is checked before anything else. */
const REFUSAL_CODE: Record<number, string> = { 401: 'not_authenticated', 403: 'forbidden' }

interface RouteRule {
  route: string
  expected: Record<Caller, number>
  /** Sends a request that is right in every respect but, perhaps, who sends it. */
  send(caller: SignedInUser | undefined): Promise<LightMyRequestResponse>
}

describe('who may call each auth route', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  function as(caller: SignedInUser | undefined, request: InjectOptions) {
    return t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
  }

  async function signInAs(caller: Caller): Promise<SignedInUser | undefined> {
    return caller === 'anonymous' ? undefined : signIn(t, ROLES_OF[caller])
  }

  const rules: RouteRule[] = [
    {
      route: 'POST /api/auth/register',
      expected: anyone(201),
      send: (caller) =>
        as(caller, {
          method: 'POST',
          url: '/api/auth/register',
          payload: {
            email: uniqueEmail('new'),
            password: 'a fine password',
            first_name: 'Ana',
            last_name: 'Souza',
          },
        }),
    },
    {
      route: 'POST /api/token/',
      expected: anyone(200),
      send: async (caller) => {
        const { email, password } = caller ?? (await createUser(t))
        return as(caller, { method: 'POST', url: '/api/token/', payload: { email, password } })
      },
    },
    {
      route: 'POST /api/token/refresh/',
      expected: anyone(200),
      send: async (caller) => {
        const holder = caller ?? (await signIn(t))
        return as(caller, {
          method: 'POST',
          url: '/api/token/refresh/',
          payload: { refresh: holder.refresh },
        })
      },
    },
    {
      route: 'POST /api/auth/logout',
      expected: authenticated(204),
      send: async (caller) => {
        const holder = caller ?? (await signIn(t))
        return as(caller, { method: 'POST', url: '/api/auth/logout', payload: { refresh: holder.refresh } })
      },
    },
    {
      route: 'GET /api/auth/me',
      expected: authenticated(200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/auth/me' }),
    },
    {
      route: 'PATCH /api/auth/me',
      expected: authenticated(200),
      send: (caller) =>
        as(caller, { method: 'PATCH', url: '/api/auth/me', payload: { first_name: 'Renamed' } }),
    },
    {
      route: 'GET /api/users',
      expected: adminOnly(200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/users' }),
    },
    {
      route: 'PUT /api/users/{id}/roles',
      expected: adminOnly(200),
      send: async (caller) => {
        const target = await createUser(t)
        return as(caller, {
          method: 'PUT',
          url: `/api/users/${target.id}/roles`,
          payload: { roles: ['operator'] },
        })
      },
    },
    {
      route: 'DELETE /api/users/{id}',
      expected: adminOnly(204),
      send: async (caller) => {
        const target = await createUser(t)
        return as(caller, { method: 'DELETE', url: `/api/users/${target.id}` })
      },
    },
  ]

  for (const rule of rules) {
    describe(rule.route, () => {
      for (const caller of CALLERS) {
        const status = rule.expected[caller]
        it(`answers ${describeCaller(caller)} with ${status}`, async () => {
          const response = await rule.send(await signInAs(caller))
          const refusal = REFUSAL_CODE[status]
          if (refusal === undefined) assert.equal(response.statusCode, status, response.body)
          else assertProblem(response, status, refusal)
        })
      }
    })
  }

  describe('order of checks: 401, then 403, then 404, then 400/409', () => {
    const requestsWithEverythingWrong: { route: string; request: InjectOptions }[] = [
      { route: 'POST /api/auth/logout', request: { method: 'POST', url: '/api/auth/logout', payload: {} } },
      {
        route: 'PATCH /api/auth/me',
        request: { method: 'PATCH', url: '/api/auth/me', payload: { first_name: '', roles: ['admin'] } },
      },
      {
        route: 'PATCH /api/auth/me (malformed JSON)',
        request: {
          method: 'PATCH',
          url: '/api/auth/me',
          headers: { 'content-type': 'application/json' },
          payload: '{"first_name": ',
        },
      },
      { route: 'GET /api/users', request: { method: 'GET', url: '/api/users?page_size=101&role=superuser' } },
      {
        route: 'PUT /api/users/{id}/roles',
        request: { method: 'PUT', url: `/api/users/${UNKNOWN_ID}/roles`, payload: { roles: ['superuser'] } },
      },
      {
        route: 'PUT /api/users/{id}/roles (malformed id)',
        request: { method: 'PUT', url: '/api/users/abc/roles', payload: { roles: 'admin' } },
      },
      { route: 'DELETE /api/users/{id}', request: { method: 'DELETE', url: `/api/users/${UNKNOWN_ID}` } },
      {
        route: 'DELETE /api/users/{id} (malformed id)',
        request: { method: 'DELETE', url: '/api/users/abc' },
      },
    ]

    for (const { route, request } of requestsWithEverythingWrong) {
      it(`answers an anonymous caller of ${route} with 401 before looking at the request`, async () => {
        assertProblem(await t.app.inject(request), 401, 'not_authenticated')
      })
    }

    for (const { route, request } of requestsWithEverythingWrong.filter((item) =>
      item.route.includes('/users'),
    )) {
      for (const caller of NOT_ADMINS) {
        it(`answers ${describeCaller(caller)} calling ${route} with 403 before looking at the request`, async () => {
          assertProblem(await as(await signInAs(caller), request), 403, 'forbidden')
        })
      }
    }

    it('answers a token that is no longer valid with 401 even on an admin route', async () => {
      const admin = await signIn(t, ['admin'])
      const response = await as(admin, {
        method: 'POST',
        url: '/api/auth/logout',
        payload: { refresh: admin.refresh },
      })
      assert.equal(response.statusCode, 204)
      assertProblem(await as(admin, { method: 'GET', url: '/api/users' }), 401, 'token_not_valid')
    })

    it('does not let a non-admin grant themself admin, and their roles stay as they were', async () => {
      const operator = await signIn(t, ['operator'])
      const response = await as(operator, {
        method: 'PUT',
        url: `/api/users/${operator.id}/roles`,
        payload: { roles: ['operator', 'admin'] },
      })
      assertProblem(response, 403, 'forbidden')
      const me = await as(operator, { method: 'GET', url: '/api/auth/me' })
      assert.deepEqual(me.json<User>().roles, ['operator'])
    })

    it('does not let a non-admin deactivate anyone: the target still logs in', async () => {
      const approver = await signIn(t, ['approver'])
      const target = await createUser(t)
      assertProblem(
        await as(approver, { method: 'DELETE', url: `/api/users/${target.id}` }),
        403,
        'forbidden',
      )
      await login(t, target.email, target.password)
    })

    it('answers an admin naming an unknown user with 404', async () => {
      const admin = await signIn(t, ['admin'])
      const response = await as(admin, {
        method: 'PUT',
        url: `/api/users/${UNKNOWN_ID}/roles`,
        payload: { roles: ['operator'] },
      })
      assertProblem(response, 404, 'not_found')
    })

    it('answers an admin naming an unknown user with 404 before looking at the body', async () => {
      const admin = await signIn(t, ['admin'])
      const response = await as(admin, {
        method: 'PUT',
        url: `/api/users/${UNKNOWN_ID}/roles`,
        payload: { roles: ['superuser'] },
      })
      assertProblem(response, 404, 'not_found')
    })

    it('answers an admin’s request about an existing user on its own merits (400, then 409)', async () => {
      const admin = await signIn(t, ['admin'])
      const invalid = await as(admin, {
        method: 'PUT',
        url: `/api/users/${admin.id}/roles`,
        payload: { roles: ['superuser'] },
      })
      assertProblem(invalid, 400, 'validation_failed')
      const conflicting = await as(admin, {
        method: 'PUT',
        url: `/api/users/${admin.id}/roles`,
        payload: { roles: [] },
      })
      assertProblem(conflicting, 409, 'cannot_remove_own_admin')
    })
  })
})
