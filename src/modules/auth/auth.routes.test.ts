import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose'
import { sql } from 'kysely'
import { createUser, login, signIn, TEST_PASSWORD, uniqueEmail } from '../../../test/helpers/accounts.ts'
import { buildTestApp, TEST_JWT_SECRET, type TestApp } from '../../../test/helpers/app.ts'
import type { TokenPair, User } from './auth.schemas.ts'
import { loginAccountKey } from './login-throttle.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'

const USER_FIELDS = [
  'created_at',
  'email',
  'email_verified',
  'first_name',
  'iban',
  'id',
  'last_name',
  'phone',
  'roles',
  'supplier',
]
const INVALID_CREDENTIALS = 'No active account found with the given credentials'
const VALID_IBAN = 'DE89370400440532013000'
const VALID_IBAN_AS_TYPED = 'de89 3704 0044 0532 0130 00'
const IBAN_WITH_WRONG_CHECK_DIGITS = 'DE00 3704 0044 0532 0130 00'

/** The one answer for every failed login, whatever the reason. */
function assertInvalidCredentials(response: LightMyRequestResponse): void {
  assert.equal(assertProblem(response, 401, 'invalid_credentials').detail, INVALID_CREDENTIALS)
}

const bearer = (access: string) => ({ authorization: `Bearer ${access}` })

function registration(overrides: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail('new'),
    password: 'a fine password',
    first_name: 'Ana',
    last_name: 'Souza',
    ...overrides,
  }
}

function register(t: TestApp, body: object) {
  return t.app.inject({ method: 'POST', url: '/api/auth/register', payload: body })
}

function requestTokens(t: TestApp, email: string, password: string, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/token/',
    payload: { email, password },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  })
}

function refresh(t: TestApp, token: string) {
  return t.app.inject({ method: 'POST', url: '/api/token/refresh/', payload: { refresh: token } })
}

function logout(t: TestApp, access: string, refreshToken: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: bearer(access),
    payload: { refresh: refreshToken },
  })
}

function getMe(t: TestApp, access: string) {
  return t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(access) })
}

function patchMe(t: TestApp, access: string, body: Record<string, unknown>) {
  return t.app.inject({ method: 'PATCH', url: '/api/auth/me', headers: bearer(access), payload: body })
}

async function me(t: TestApp, access: string): Promise<User> {
  const response = await getMe(t, access)
  assert.equal(response.statusCode, 200, response.body)
  return response.json<User>()
}

describe('auth routes', () => {
  let t: TestApp
  /** Looks at the users table through the admin list, to check what a refused request left behind. */
  let observer: { email: string; password: string }
  before(async () => {
    t = await buildTestApp()
    observer = await createUser(t, { roles: ['admin'] })
  })
  after(() => t.close())

  async function accountsWithEmail(email: string): Promise<number> {
    const { access } = await login(t, observer.email, observer.password)
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/users?email=${encodeURIComponent(email)}`,
      headers: bearer(access),
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json<{ count: number }>().count
  }

  async function assertNotRegistered(email: string): Promise<void> {
    assert.equal(await accountsWithEmail(email), 0, `no account was created for ${email}`)
  }

  describe('POST /api/auth/register', () => {
    it('creates an account and answers 201 with exactly the user fields', async () => {
      const body = registration({ phone: '+5511912345678' })
      const response = await register(t, body)
      assert.equal(response.statusCode, 201, response.body)
      const user = response.json<User>()
      assert.deepEqual(Object.keys(user).sort(), USER_FIELDS)
      assert.ok(Number.isInteger(user.id) && user.id > 0)
      assert.deepEqual(user, {
        id: user.id,
        email: body.email,
        first_name: 'Ana',
        last_name: 'Souza',
        phone: '+5511912345678',
        iban: null,
        roles: [],
        supplier: null,
        email_verified: false,
        created_at: t.clock.now().toISOString(),
      })
    })

    it('lets the new account log in with its password', async () => {
      const body = registration()
      assert.equal((await register(t, body)).statusCode, 201)
      assert.equal((await requestTokens(t, body.email, body.password)).statusCode, 200)
    })

    it('refuses an email that is taken, whatever its case, with 409 email_taken and keeps the first account', async () => {
      const first = registration()
      assert.equal((await register(t, first)).statusCode, 201)
      const second = registration({
        email: first.email.toUpperCase(),
        password: 'another fine password',
        first_name: 'Impostor',
      })
      assertProblem(await register(t, second), 409, 'email_taken')
      assert.equal(await accountsWithEmail(first.email), 1)
      const tokens = await login(t, first.email, first.password)
      assert.equal((await me(t, tokens.access)).first_name, 'Ana')
    })

    it('refuses a password shorter than 8 characters', async () => {
      const body = registration({ password: 'short12' })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        password: ['Ensure this field has at least 8 characters.'],
      })
      await assertNotRegistered(body.email)
    })

    it('refuses a password longer than 128 characters', async () => {
      const body = registration({ password: 'p'.repeat(129) })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        password: ['Ensure this field has no more than 128 characters.'],
      })
      await assertNotRegistered(body.email)
    })

    it('accepts passwords of exactly 8 and exactly 128 characters', async () => {
      assert.equal((await register(t, registration({ password: 'eight ch' }))).statusCode, 201)
      assert.equal((await register(t, registration({ password: 'p'.repeat(128) }))).statusCode, 201)
    })

    it('refuses a password made only of digits', async () => {
      const body = registration({ password: '1234567890' })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        password: ['This password is entirely numeric.'],
      })
      await assertNotRegistered(body.email)
    })

    it('refuses the email address as the password, whatever its case', async () => {
      const email = uniqueEmail('new')
      const body = registration({ email, password: email.toUpperCase() })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        password: ['The password is too similar to the email address.'],
      })
      await assertNotRegistered(email)
    })

    it('refuses an IBAN whose check digits do not match, on iban', async () => {
      const body = registration({ iban: IBAN_WITH_WRONG_CHECK_DIGITS })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        iban: ['The IBAN check digits do not match; check for a typo.'],
      })
      await assertNotRegistered(body.email)
    })

    it('refuses an IBAN of the wrong length for its country, on iban', async () => {
      const body = registration({ iban: 'DE89 3704 0044 0532 0130' })
      assert.deepEqual(Object.keys(assertInvalid(await register(t, body))), ['iban'])
      await assertNotRegistered(body.email)
    })

    it('stores a valid IBAN typed with spaces and in lower case without spaces, in upper case', async () => {
      const response = await register(t, registration({ iban: VALID_IBAN_AS_TYPED }))
      assert.equal(response.statusCode, 201, response.body)
      assert.equal(response.json<User>().iban, VALID_IBAN)
    })

    it('refuses unknown fields, such as roles', async () => {
      const body = registration({ roles: ['admin'] })
      assert.deepEqual(assertInvalid(await register(t, body)), { roles: ['Unknown field.'] })
      await assertNotRegistered(body.email)
    })

    it('refuses fields of the wrong type instead of converting them', async () => {
      const body = registration({
        password: 12345678,
        first_name: ['Ana'],
        last_name: true,
        phone: 5511912345678,
      })
      const errors = assertInvalid(await register(t, body))
      assert.deepEqual(Object.keys(errors).sort(), ['first_name', 'last_name', 'password', 'phone'])
      assert.deepEqual(errors.password, ['Not a valid string.'])
      assert.deepEqual(errors.first_name, ['Not a valid string.'])
      await assertNotRegistered(body.email)
    })

    it('refuses names longer than 150 characters, saying so', async () => {
      const body = registration({ first_name: 'a'.repeat(151), last_name: 'a'.repeat(151) })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        first_name: ['Ensure this field has no more than 150 characters.'],
        last_name: ['Ensure this field has no more than 150 characters.'],
      })
      await assertNotRegistered(body.email)
    })

    it('refuses an IBAN longer than 42 characters, saying so', async () => {
      const body = registration({ iban: `DE${'1'.repeat(41)}` })
      const errors = assertInvalid(await register(t, body))
      assert.deepEqual(Object.keys(errors), ['iban'])
      assert.ok(
        errors.iban?.includes('Ensure this field has no more than 42 characters.'),
        String(errors.iban),
      )
      await assertNotRegistered(body.email)
    })

    it('refuses an email address longer than 254 characters', async () => {
      const email = `${'a'.repeat(243)}@example.com`
      assert.equal(email.length, 255)
      assert.deepEqual(Object.keys(assertInvalid(await register(t, registration({ email })))), ['email'])
    })

    it('refuses blank names', async () => {
      const body = registration({ first_name: '   ', last_name: '' })
      assert.deepEqual(assertInvalid(await register(t, body)), {
        first_name: ['This field may not be blank.'],
        last_name: ['This field may not be blank.'],
      })
      await assertNotRegistered(body.email)
    })

    it('refuses a malformed email address', async () => {
      assert.deepEqual(assertInvalid(await register(t, registration({ email: 'ana.example.com' }))), {
        email: ['Enter a valid email address.'],
      })
    })

    it('requires email, password and both names', async () => {
      assert.deepEqual(assertInvalid(await register(t, {})), {
        email: ['This field is required.'],
        password: ['This field is required.'],
        first_name: ['This field is required.'],
        last_name: ['This field is required.'],
      })
    })

    it('answers malformed JSON with 400 malformed_json', async () => {
      const email = uniqueEmail('new')
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'content-type': 'application/json' },
        payload: `{"email": "${email}", "password": "a fine password", "first_name": "Ana", "last_name": "S"`,
      })
      assertProblem(response, 400, 'malformed_json')
      await assertNotRegistered(email)
    })
  })

  describe('POST /api/token/', () => {
    it('answers valid credentials with exactly an access and a refresh token', async () => {
      const user = await createUser(t)
      const response = await requestTokens(t, user.email, user.password)
      assert.equal(response.statusCode, 200, response.body)
      const tokens = response.json<TokenPair>()
      assert.deepEqual(Object.keys(tokens).sort(), ['access', 'refresh'])
      assert.equal((await me(t, tokens.access)).id, user.id)
    })

    it('issues an access token with sub, roles, iat, exp and jti that lives JWT_ACCESS_TTL', async () => {
      const user = await createUser(t, { roles: ['operator'] })
      const claims = decodeJwt((await login(t, user.email, user.password)).access)
      assert.equal(claims.sub, String(user.id))
      assert.deepEqual(claims.roles, ['operator'])
      assert.equal(claims.iat, Math.floor(t.clock.now().getTime() / 1000))
      assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), t.config.jwtAccessTtlSeconds)
      assert.equal(typeof claims.jti, 'string')
    })

    it('matches the email case-insensitively', async () => {
      const user = await createUser(t)
      assert.equal((await requestTokens(t, user.email.toUpperCase(), user.password)).statusCode, 200)
    })

    it('refuses a wrong password with 401 "No active account found with the given credentials"', async () => {
      const user = await createUser(t)
      assertInvalidCredentials(await requestTokens(t, user.email, 'not the password'))
    })

    it('answers an unknown email exactly as a wrong password', async () => {
      assertInvalidCredentials(await requestTokens(t, uniqueEmail('nobody'), TEST_PASSWORD))
    })

    it('answers a deactivated account with its right password exactly as a wrong password', async () => {
      const user = await createUser(t)
      const { access } = await login(t, observer.email, observer.password)
      const deactivation = await t.app.inject({
        method: 'DELETE',
        url: `/api/users/${user.id}`,
        headers: bearer(access),
      })
      assert.equal(deactivation.statusCode, 204)
      assertInvalidCredentials(await requestTokens(t, user.email, user.password))
    })

    it('requires an email and a password', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/token/', payload: {} })
      assert.deepEqual(assertInvalid(response), {
        email: ['This field is required.'],
        password: ['This field is required.'],
      })
    })
  })

  describe('POST /api/token/refresh/', () => {
    it('exchanges a refresh token for a new pair whose access token works', async () => {
      const user = await signIn(t)
      const response = await refresh(t, user.refresh)
      assert.equal(response.statusCode, 200, response.body)
      const rotated = response.json<TokenPair>()
      assert.deepEqual(Object.keys(rotated).sort(), ['access', 'refresh'])
      assert.notEqual(rotated.refresh, user.refresh)
      assert.equal((await me(t, rotated.access)).id, user.id)
    })

    it('refuses a refresh token that was already rotated with 401 token_reused', async () => {
      const user = await signIn(t)
      assert.equal((await refresh(t, user.refresh)).statusCode, 200)
      assertProblem(await refresh(t, user.refresh), 401, 'token_reused')
    })

    it('a reused refresh token ends the whole session: its newest refresh and access tokens stop working', async () => {
      const user = await signIn(t)
      const rotated = (await refresh(t, user.refresh)).json<TokenPair>()
      assertProblem(await refresh(t, user.refresh), 401, 'token_reused')
      assertProblem(await refresh(t, rotated.refresh), 401, 'token_not_valid')
      assertProblem(await getMe(t, rotated.access), 401, 'token_not_valid')
      assertProblem(await getMe(t, user.access), 401, 'token_not_valid')
    })

    it('a reused refresh token leaves the user’s other sessions alone', async () => {
      const user = await signIn(t)
      const otherSession = await login(t, user.email, user.password)
      assert.equal((await refresh(t, user.refresh)).statusCode, 200)
      assertProblem(await refresh(t, user.refresh), 401, 'token_reused')
      assert.equal((await getMe(t, otherSession.access)).statusCode, 200)
      assert.equal((await refresh(t, otherSession.refresh)).statusCode, 200)
    })

    it('of two simultaneous refreshes with one token, exactly one gets a new pair', async () => {
      const user = await signIn(t)
      const responses = await Promise.all([refresh(t, user.refresh), refresh(t, user.refresh)])
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [200, 401])
    })

    it('refuses an unknown refresh token with 401 token_not_valid', async () => {
      assertProblem(await refresh(t, 'not-a-refresh-token'), 401, 'token_not_valid')
    })

    it('refuses a refresh token once JWT_REFRESH_TTL has passed', async () => {
      const user = await signIn(t)
      t.clock.advance(t.config.jwtRefreshTtlSeconds * 1000)
      assertProblem(await refresh(t, user.refresh), 401, 'token_not_valid')
    })

    it('requires a refresh token', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/token/refresh/', payload: {} })
      assert.deepEqual(assertInvalid(response), { refresh: ['This field is required.'] })
    })
  })

  describe('POST /api/auth/logout', () => {
    it('answers 204 and the session’s access token stops working at once', async () => {
      const user = await signIn(t)
      const response = await logout(t, user.access, user.refresh)
      assert.equal(response.statusCode, 204, response.body)
      assert.equal(response.body, '')
      assertProblem(await getMe(t, user.access), 401, 'token_not_valid')
    })

    it('ends the session’s refresh token too', async () => {
      const user = await signIn(t)
      assert.equal((await logout(t, user.access, user.refresh)).statusCode, 204)
      assertProblem(await refresh(t, user.refresh), 401, 'token_not_valid')
    })

    it('ends only that session: the user’s other sessions go on', async () => {
      const user = await signIn(t)
      const otherSession = await login(t, user.email, user.password)
      assert.equal((await logout(t, user.access, user.refresh)).statusCode, 204)
      assert.equal((await getMe(t, otherSession.access)).statusCode, 200)
      assert.equal((await refresh(t, otherSession.refresh)).statusCode, 200)
    })

    it('refuses someone else’s refresh token with 400 on refresh, and their session goes on', async () => {
      const caller = await signIn(t)
      const someoneElse = await signIn(t)
      assert.deepEqual(assertInvalid(await logout(t, caller.access, someoneElse.refresh)), {
        refresh: ['The refresh token is invalid or expired.'],
      })
      assert.equal((await getMe(t, someoneElse.access)).statusCode, 200)
      assert.equal((await refresh(t, someoneElse.refresh)).statusCode, 200)
    })

    it('refuses an unknown refresh token with 400 on refresh', async () => {
      const user = await signIn(t)
      assert.deepEqual(Object.keys(assertInvalid(await logout(t, user.access, 'not-a-refresh-token'))), [
        'refresh',
      ])
      assert.equal((await getMe(t, user.access)).statusCode, 200)
    })
  })

  describe('GET /api/auth/me', () => {
    it('answers the caller’s own account, as registration returned it', async () => {
      const body = registration({ phone: '+5511912345678', iban: VALID_IBAN })
      const registered = await register(t, body)
      assert.equal(registered.statusCode, 201, registered.body)
      const { access } = await login(t, body.email, body.password)
      const response = await getMe(t, access)
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<User>(), registered.json<User>())
    })

    it('answers the caller’s roles as they are now', async () => {
      const user = await signIn(t, ['approver', 'operator'])
      assert.deepEqual([...(await me(t, user.access)).roles].sort(), ['approver', 'operator'])
    })
  })

  describe('PATCH /api/auth/me', () => {
    it('changes names, phone and IBAN, trimming the names and normalising the IBAN', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, {
        first_name: '  Bia ',
        last_name: 'Lima',
        phone: '+5511912345678',
        iban: VALID_IBAN_AS_TYPED,
      })
      assert.equal(response.statusCode, 200, response.body)
      const expected = { first_name: 'Bia', last_name: 'Lima', phone: '+5511912345678', iban: VALID_IBAN }
      const changed = ['first_name', 'last_name', 'phone', 'iban'] as const
      assert.deepEqual(pick(response.json<User>(), ...changed), expected)
      assert.deepEqual(pick(await me(t, user.access), ...changed), expected)
    })

    it('clears the phone and the IBAN with null', async () => {
      const user = await signIn(t, [], { iban: VALID_IBAN })
      assert.equal((await patchMe(t, user.access, { phone: '+5511912345678' })).statusCode, 200)
      const response = await patchMe(t, user.access, { phone: null, iban: null })
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(pick(await me(t, user.access), 'phone', 'iban'), { phone: null, iban: null })
    })

    it('leaves the fields that were not sent unchanged', async () => {
      const user = await signIn(t, [], { iban: VALID_IBAN })
      assert.equal((await patchMe(t, user.access, { last_name: 'Lima' })).statusCode, 200)
      const account = await me(t, user.access)
      assert.deepEqual(pick(account, 'first_name', 'last_name', 'iban'), {
        first_name: 'Test',
        last_name: 'Lima',
        iban: VALID_IBAN,
      })
    })

    it('refuses an invalid IBAN on iban and changes nothing else either', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, {
        first_name: 'Changed',
        iban: IBAN_WITH_WRONG_CHECK_DIGITS,
      })
      assert.deepEqual(Object.keys(assertInvalid(response)), ['iban'])
      assert.deepEqual(pick(await me(t, user.access), 'first_name', 'iban'), {
        first_name: 'Test',
        iban: null,
      })
    })

    it('does not let the caller change their email or roles: those are unknown fields', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, { email: uniqueEmail(), roles: ['admin'] })
      assert.deepEqual(assertInvalid(response), { email: ['Unknown field.'], roles: ['Unknown field.'] })
      assert.deepEqual(pick(await me(t, user.access), 'email', 'roles'), {
        email: user.email,
        roles: [],
      })
    })

    it('refuses a blank name', async () => {
      const user = await signIn(t)
      assert.deepEqual(assertInvalid(await patchMe(t, user.access, { first_name: '  ' })), {
        first_name: ['This field may not be blank.'],
      })
    })

    it('changes the password given the current one: the new one logs in and the old one no longer does', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, {
        current_password: user.password,
        new_password: 'a brand new password',
      })
      assert.equal(response.statusCode, 200, response.body)
      assert.equal((await requestTokens(t, user.email, 'a brand new password')).statusCode, 200)
      assertInvalidCredentials(await requestTokens(t, user.email, user.password))
    })

    it('refuses a wrong current password with 400 on current_password and keeps the old password', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, {
        first_name: 'Changed',
        current_password: 'not the password',
        new_password: 'a brand new password',
      })
      assert.deepEqual(assertInvalid(response), {
        current_password: ['Your current password is not correct.'],
      })
      assert.equal((await me(t, user.access)).first_name, 'Test')
      assert.equal((await requestTokens(t, user.email, user.password)).statusCode, 200)
    })

    it('requires the current password to set a new one', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, { new_password: 'a brand new password' })
      assert.deepEqual(Object.keys(assertInvalid(response)), ['current_password'])
      assert.equal((await requestTokens(t, user.email, user.password)).statusCode, 200)
    })

    it('holds a new password to the same rules as at registration', async () => {
      const user = await signIn(t)
      const response = await patchMe(t, user.access, {
        current_password: user.password,
        new_password: '1234567890',
      })
      assert.deepEqual(assertInvalid(response), { new_password: ['This password is entirely numeric.'] })
    })

    it('a password change ends the user’s other sessions but keeps the caller’s', async () => {
      const user = await signIn(t)
      const otherSession = await login(t, user.email, user.password)
      const response = await patchMe(t, user.access, {
        current_password: user.password,
        new_password: 'a brand new password',
      })
      assert.equal(response.statusCode, 200, response.body)
      assertProblem(await getMe(t, otherSession.access), 401, 'token_not_valid')
      assertProblem(await refresh(t, otherSession.refresh), 401, 'token_not_valid')
      assert.equal((await getMe(t, user.access)).statusCode, 200)
      assert.equal((await refresh(t, user.refresh)).statusCode, 200)
    })
  })

  describe('access tokens', () => {
    it('refuses an access token once JWT_ACCESS_TTL has passed, with 401 token_not_valid', async () => {
      const user = await signIn(t)
      assert.equal((await getMe(t, user.access)).statusCode, 200)
      t.clock.advance(t.config.jwtAccessTtlSeconds * 1000)
      assertProblem(await getMe(t, user.access), 401, 'token_not_valid')
    })

    it('refuses a token signed with another secret', async () => {
      const user = await signIn(t)
      const forged = await new SignJWT(decodeJwt(user.access))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256-000'))
      assertProblem(await getMe(t, forged), 401, 'token_not_valid')
    })

    it('refuses an unsigned token (alg none)', async () => {
      const user = await signIn(t)
      const unsigned = new UnsecuredJWT(decodeJwt(user.access)).encode()
      assertProblem(await getMe(t, unsigned), 401, 'token_not_valid')
    })

    it('refuses a token signed with the right secret but another algorithm than HS256', async () => {
      const user = await signIn(t)
      const forged = await new SignJWT(decodeJwt(user.access))
        .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
        .sign(new TextEncoder().encode(TEST_JWT_SECRET))
      assertProblem(await getMe(t, forged), 401, 'token_not_valid')
    })

    it('refuses a validly signed token whose session id is not a UUID (401, not a database error)', async () => {
      const user = await signIn(t)
      const odd = await new SignJWT({ ...decodeJwt(user.access), sid: 'not-a-session-id' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(TEST_JWT_SECRET))
      assertProblem(await getMe(t, odd), 401, 'token_not_valid')
    })

    it('refuses credentials that are not a bearer token with 401 not_authenticated', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: {
          authorization: `Basic ${Buffer.from(`${observer.email}:${observer.password}`).toString('base64')}`,
        },
      })
      assertProblem(response, 401, 'not_authenticated')
    })
  })
})

describe('login lockout (LOGIN_LOCKOUT_THRESHOLD=3)', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ env: { LOGIN_LOCKOUT_THRESHOLD: '3' } })
  })
  after(() => t.close())

  async function failLogins(email: string, times: number): Promise<void> {
    for (let attempt = 0; attempt < times; attempt++) {
      assertInvalidCredentials(await requestTokens(t, email, 'not the password'))
    }
  }

  it('locks an account after 3 failed logins: even the right password then gets 429 with Retry-After', async () => {
    const user = await createUser(t)
    await failLogins(user.email, 3)
    const response = await requestTokens(t, user.email, user.password)
    assertProblem(response, 429, 'account_locked')
    assert.equal(response.headers['retry-after'], '30')
  })

  it('locks an unknown email the same way, so a lock reveals nothing about which accounts exist', async () => {
    const email = uniqueEmail('nobody')
    await failLogins(email, 3)
    const response = await requestTokens(t, email, TEST_PASSWORD)
    assertProblem(response, 429, 'account_locked')
    assert.equal(response.headers['retry-after'], '30')
  })

  it('lets the right password in once the lock has passed', async () => {
    const user = await createUser(t)
    await failLogins(user.email, 3)
    t.clock.advance(31_000)
    assert.equal((await requestTokens(t, user.email, user.password)).statusCode, 200)
  })

  it('forgets the failures after a successful login', async () => {
    const user = await createUser(t)
    await failLogins(user.email, 3)
    t.clock.advance(31_000)
    await login(t, user.email, user.password)
    await failLogins(user.email, 2)
    assert.equal((await requestTokens(t, user.email, user.password)).statusCode, 200)
  })

  it('locks again, for twice as long, at the first failure after a lock', async () => {
    const user = await createUser(t)
    await failLogins(user.email, 3)
    t.clock.advance(31_000)
    await failLogins(user.email, 1)
    const response = await requestTokens(t, user.email, user.password)
    assertProblem(response, 429, 'account_locked')
    assert.equal(response.headers['retry-after'], '60')
  })

  it('forgets failures older than an hour', async () => {
    const user = await createUser(t)
    await failLogins(user.email, 2)
    t.clock.advance(60 * 60 * 1000 + 1000)
    await failLogins(user.email, 2)
    assert.equal((await requestTokens(t, user.email, user.password)).statusCode, 200)
  })

  it('remembers failures of the last hour: 2, then 1 more 59 minutes later, lock the account', async () => {
    const user = await createUser(t)
    await failLogins(user.email, 2)
    t.clock.advance(59 * 60 * 1000)
    await failLogins(user.email, 1)
    assert.equal((await requestTokens(t, user.email, user.password)).statusCode, 429)
  })

  it('counts simultaneous wrong passwords one by one: only 3 of 10 are checked, the rest are refused as locked', async () => {
    const user = await createUser(t)
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => requestTokens(t, user.email, 'not the password')),
    )
    const statuses = responses.map((response) => response.statusCode).sort()
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429, 429, 429, 429, 429])
    const { rows } = await sql<{ failures: number }>`
      select failures from login_throttles where account_key = ${loginAccountKey(user.email)}`.execute(
      t.platform.db,
    )
    assert.deepEqual(rows, [{ failures: 3 }])
  })

  it('locks only that account: another account still logs in', async () => {
    const locked = await createUser(t)
    const other = await createUser(t)
    await failLogins(locked.email, 3)
    assert.equal((await requestTokens(t, other.email, other.password)).statusCode, 200)
  })
})

describe('per-IP login rate limit (LOGIN_RATE_LIMIT_PER_MINUTE=3)', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } })
  })
  after(() => t.close())

  it('answers the 4th login from one IP within a minute with 429, Retry-After and code rate_limited', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      assertInvalidCredentials(await requestTokens(t, uniqueEmail('nobody'), TEST_PASSWORD, '198.51.100.1'))
    }
    const response = await requestTokens(t, uniqueEmail('nobody'), TEST_PASSWORD, '198.51.100.1')
    assertProblem(response, 429, 'rate_limited')
    assert.match(String(response.headers['retry-after']), /^[1-9]\d*$/)
  })

  it('counts each IP on its own', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await requestTokens(t, uniqueEmail('nobody'), TEST_PASSWORD, '198.51.100.2')
    }
    assertInvalidCredentials(await requestTokens(t, uniqueEmail('nobody'), TEST_PASSWORD, '198.51.100.3'))
  })
})

/** A few fields of an account, to compare them at once. */
function pick(account: User, ...fields: (keyof User)[]): Partial<User> {
  return Object.fromEntries(fields.map((field) => [field, account[field]]))
}
