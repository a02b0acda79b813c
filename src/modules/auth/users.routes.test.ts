import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createUser, signIn, uniqueEmail, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { AdminUser } from './auth.schemas.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'

const ADMIN_USER_FIELDS = [
  'created_at',
  'email',
  'email_verified',
  'first_name',
  'iban',
  'id',
  'is_active',
  'last_name',
  'phone',
  'roles',
  'supplier',
]
/** An id no user has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647

describe('admin management of users', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  function listUsers(admin: SignedInUser, query = '') {
    return t.app.inject({ method: 'GET', url: `/api/users${query}`, headers: admin.headers })
  }

  async function page(admin: SignedInUser, query = ''): Promise<Page<AdminUser>> {
    const response = await listUsers(admin, query)
    assert.equal(response.statusCode, 200, response.body)
    return response.json<Page<AdminUser>>()
  }

  function setRoles(admin: SignedInUser, userId: number, roles: unknown) {
    return t.app.inject({
      method: 'PUT',
      url: `/api/users/${userId}/roles`,
      headers: admin.headers,
      payload: { roles },
    })
  }

  function deactivate(admin: SignedInUser, userId: number) {
    return t.app.inject({ method: 'DELETE', url: `/api/users/${userId}`, headers: admin.headers })
  }

  function getMe(user: { headers: { authorization: string } }) {
    return t.app.inject({ method: 'GET', url: '/api/auth/me', headers: user.headers })
  }

  describe('GET /api/users', () => {
    it('lists users with every user field and is_active', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t, { roles: ['operator'] })
      const { results } = await page(admin, `?email=${user.email}`)
      assert.equal(results.length, 1)
      const [listed] = results
      assert.deepEqual(Object.keys(listed!).sort(), ADMIN_USER_FIELDS)
      assert.deepEqual(
        { id: listed!.id, email: listed!.email, roles: listed!.roles, is_active: listed!.is_active },
        { id: user.id, email: user.email, roles: ['operator'], is_active: true },
      )
    })

    it('matches ?email= against the whole address, case-insensitively', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t)
      const found = await page(admin, `?email=${user.email.toUpperCase()}`)
      assert.equal(found.count, 1)
      assert.equal(found.results[0]?.id, user.id)
      const partial = await page(admin, `?email=${user.email.slice(1)}`)
      assert.equal(partial.count, 0)
    })

    it('lists with ?role= only the users holding that role', async () => {
      const admin = await signIn(t, ['admin'])
      const approver = await createUser(t, { roles: ['operator', 'approver'] })
      const operator = await createUser(t, { roles: ['operator'] })
      const { results } = await page(admin, '?role=approver&page_size=100')
      assert.ok(results.every((user) => user.roles.includes('approver')))
      const ids = results.map((user) => user.id)
      assert.ok(ids.includes(approver.id))
      assert.ok(!ids.includes(operator.id))
    })

    it('refuses an unknown ?role= with 400 on role', async () => {
      const admin = await signIn(t, ['admin'])
      assert.deepEqual(Object.keys(assertInvalid(await listUsers(admin, '?role=superuser'))), ['role'])
    })

    it('takes an empty query parameter as not given', async () => {
      const admin = await signIn(t, ['admin'])
      const all = await page(admin)
      assert.deepEqual(await page(admin, '?role=&email='), all)
    })

    it('orders users by id, across pages', async () => {
      const admin = await signIn(t, ['admin'])
      for (let i = 0; i < 3; i++) await createUser(t)
      const first = await page(admin, '?page_size=2')
      const second = await page(admin, '?page_size=2&page=2')
      const ids = [...first.results, ...second.results].map((user) => user.id)
      assert.equal(ids.length, 4)
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      )
      assert.equal(new Set(ids).size, 4)
    })

    it('pages 10 users by default, with the total and absolute links on PUBLIC_URL', async () => {
      const admin = await signIn(t, ['admin'])
      for (let i = 0; i < 11; i++) await createUser(t)
      const { count } = await page(admin, '?page_size=1')
      const lastPage = Math.ceil(count / 10)
      const first = await page(admin)
      assert.equal(first.results.length, 10)
      assert.equal(first.count, count)
      assert.equal(first.previous, null)
      assert.equal(first.next, 'http://bureau.test/api/users?page=2')
      const last = await page(admin, `?page=${lastPage}`)
      assert.equal(last.results.length, count - (lastPage - 1) * 10)
      assert.equal(last.next, null)
      assert.equal(
        last.previous,
        lastPage === 2 ? 'http://bureau.test/api/users' : `http://bureau.test/api/users?page=${lastPage - 1}`,
      )
    })

    it('keeps the other query parameters in the links', async () => {
      const admin = await signIn(t, ['admin'])
      for (let i = 0; i < 2; i++) await createUser(t)
      const second = await page(admin, '?page_size=1&page=2')
      assert.equal(second.previous, 'http://bureau.test/api/users?page_size=1')
      assert.equal(second.next, 'http://bureau.test/api/users?page_size=1&page=3')
    })

    it('answers a page past the end with 404', async () => {
      const admin = await signIn(t, ['admin'])
      const { count } = await page(admin, '?page_size=100')
      assertProblem(
        await listUsers(admin, `?page_size=100&page=${Math.ceil(count / 100) + 1}`),
        404,
        'page_not_found',
      )
    })

    it('answers an empty first page with 200, not 404', async () => {
      const admin = await signIn(t, ['admin'])
      const empty = await page(admin, `?email=${uniqueEmail('nobody')}`)
      assert.deepEqual(empty, { count: 0, next: null, previous: null, results: [] })
    })

    it('refuses page_size 101 and page 0 with 400', async () => {
      const admin = await signIn(t, ['admin'])
      assert.deepEqual(Object.keys(assertInvalid(await listUsers(admin, '?page_size=101'))), ['page_size'])
      assert.deepEqual(Object.keys(assertInvalid(await listUsers(admin, '?page=0'))), ['page'])
    })
  })

  describe('PUT /api/users/{id}/roles', () => {
    it('sets the roles and answers 200 with the user as admins see it', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t, { roles: ['operator'] })
      const response = await setRoles(admin, user.id, ['approver', 'admin'])
      assert.equal(response.statusCode, 200, response.body)
      const updated = response.json<AdminUser>()
      assert.deepEqual(Object.keys(updated).sort(), ADMIN_USER_FIELDS)
      assert.equal(updated.id, user.id)
      assert.deepEqual([...updated.roles].sort(), ['admin', 'approver'])
    })

    it('takes effect on the user’s very next request: a user made admin lists users with the token they had', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await signIn(t)
      assertProblem(await listUsers(user), 403, 'forbidden')
      assert.equal((await setRoles(admin, user.id, ['admin'])).statusCode, 200)
      assert.equal((await listUsers(user)).statusCode, 200)
    })

    it('takes a role away at once: an admin demoted is refused with the token they had', async () => {
      const admin = await signIn(t, ['admin'])
      const demoted = await signIn(t, ['admin'])
      assert.equal((await listUsers(demoted)).statusCode, 200)
      assert.equal((await setRoles(admin, demoted.id, [])).statusCode, 200)
      assertProblem(await listUsers(demoted), 403, 'forbidden')
    })

    it('removes every role with an empty list', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t, { roles: ['operator', 'approver'] })
      const response = await setRoles(admin, user.id, [])
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<AdminUser>().roles, [])
    })

    it('refuses to let an admin remove their own admin role, with 409 cannot_remove_own_admin', async () => {
      const admin = await signIn(t, ['admin'])
      assertProblem(await setRoles(admin, admin.id, ['operator']), 409, 'cannot_remove_own_admin')
      assert.equal((await listUsers(admin)).statusCode, 200)
    })

    it('lets an admin change their own other roles while keeping admin', async () => {
      const admin = await signIn(t, ['admin'])
      const response = await setRoles(admin, admin.id, ['admin', 'operator'])
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual([...response.json<AdminUser>().roles].sort(), ['admin', 'operator'])
    })

    it('lets an admin remove another admin’s admin role', async () => {
      const admin = await signIn(t, ['admin'])
      const other = await createUser(t, { roles: ['admin'] })
      const response = await setRoles(admin, other.id, ['operator'])
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<AdminUser>().roles, ['operator'])
    })

    it('refuses an unknown role with 400 and leaves the roles as they were', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t, { roles: ['operator'] })
      const errors = assertInvalid(await setRoles(admin, user.id, ['operator', 'superuser']))
      assert.deepEqual(errors, { 'roles.1': ['Must be one of: admin, operator, approver.'] })
      assert.deepEqual((await page(admin, `?email=${user.email}`)).results[0]?.roles, ['operator'])
    })

    it('refuses a role named twice', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t)
      assert.deepEqual(assertInvalid(await setRoles(admin, user.id, ['operator', 'operator'])), {
        roles: ['Items must not repeat.'],
      })
    })

    it('requires a list of roles', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t)
      assert.deepEqual(Object.keys(assertInvalid(await setRoles(admin, user.id, 'admin'))), ['roles'])
    })

    it('answers an unknown user with 404', async () => {
      const admin = await signIn(t, ['admin'])
      assertProblem(await setRoles(admin, UNKNOWN_ID, ['operator']), 404, 'not_found')
    })

    it('refuses an id that is not a positive integer with 400 on id', async () => {
      const admin = await signIn(t, ['admin'])
      const response = await t.app.inject({
        method: 'PUT',
        url: '/api/users/abc/roles',
        headers: admin.headers,
        payload: { roles: [] },
      })
      assert.deepEqual(Object.keys(assertInvalid(response)), ['id'])
    })
  })

  describe('DELETE /api/users/{id}', () => {
    it('deactivates the user with 204: their access token stops working at once', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await signIn(t)
      const response = await deactivate(admin, user.id)
      assert.equal(response.statusCode, 204, response.body)
      assert.equal(response.body, '')
      assertProblem(await getMe(user), 401, 'token_not_valid')
    })

    it('stops the deactivated user’s refresh token too', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await signIn(t)
      assert.equal((await deactivate(admin, user.id)).statusCode, 204)
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/token/refresh/',
        payload: { refresh: user.refresh },
      })
      assertProblem(response, 401, 'token_not_valid')
    })

    it('stops the deactivated user from logging in', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t)
      assert.equal((await deactivate(admin, user.id)).statusCode, 204)
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/token/',
        payload: { email: user.email, password: user.password },
      })
      assertProblem(response, 401, 'invalid_credentials')
    })

    it('keeps the account, listed with is_active false', async () => {
      const admin = await signIn(t, ['admin'])
      const user = await createUser(t)
      assert.equal((await deactivate(admin, user.id)).statusCode, 204)
      const { results } = await page(admin, `?email=${user.email}`)
      assert.deepEqual(
        results.map(({ id, is_active }) => ({ id, is_active })),
        [{ id: user.id, is_active: false }],
      )
    })

    it('refuses to let an admin deactivate themself, with 409 cannot_deactivate_self', async () => {
      const admin = await signIn(t, ['admin'])
      assertProblem(await deactivate(admin, admin.id), 409, 'cannot_deactivate_self')
      assert.equal((await getMe(admin)).statusCode, 200)
    })

    it('answers an unknown user with 404', async () => {
      const admin = await signIn(t, ['admin'])
      assertProblem(await deactivate(admin, UNKNOWN_ID), 404, 'not_found')
    })
  })
})
