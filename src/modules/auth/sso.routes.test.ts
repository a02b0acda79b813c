import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createUser, login, signIn, uniqueEmail } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { startIdentityProvider, type TestIdentityProvider } from '../../../test/helpers/oidc-provider.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { TokenPair, User } from './auth.schemas.ts'
import type { Identity } from './sso.schemas.ts'

const PUBLIC_URL = 'http://bureau.test'
const callbackOf = (name: string) => `${PUBLIC_URL}/api/auth/sso/${name}/callback`

let t: TestApp
let corp: TestIdentityProvider
let partner: TestIdentityProvider

before(async () => {
  corp = await startIdentityProvider([callbackOf('corp')])
  partner = await startIdentityProvider([callbackOf('partner')])
  t = await buildTestApp({
    env: { ...corp.env('corp'), OIDC_CORP_LABEL: 'Corp Login', ...partner.env('partner') },
  })
})

after(async () => {
  await t.close()
  await corp.close()
  await partner.close()
})

/** A person known to `idp`, with a fresh subject and (unless given) a fresh verified email. */
function person(idp: TestIdentityProvider, claims: { email?: string; email_verified?: boolean } = {}) {
  const sub = `person-${randomBytes(4).toString('hex')}`
  idp.addAccount({
    sub,
    email: uniqueEmail('sso'),
    email_verified: true,
    given_name: 'Rui',
    family_name: 'Lopes',
    ...claims,
  })
  return sub
}

async function startLogin(provider: string, query = '') {
  const response = await t.app.inject({ method: 'GET', url: `/api/auth/sso/${provider}/login${query}` })
  assert.equal(response.statusCode, 302, response.body)
  return String(response.headers.location)
}

function callback(provider: string, redirect: URL) {
  return t.app.inject({ method: 'GET', url: `/api/auth/sso/${provider}/callback${redirect.search}` })
}

/** The whole redirect flow: Bureau → provider (sign in as `sub`) → Bureau's callback. */
async function signInWith(provider: string, idp: TestIdentityProvider, sub: string) {
  return callback(provider, await idp.signIn(await startLogin(provider), sub))
}

async function me(tokens: TokenPair): Promise<User> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { authorization: `Bearer ${tokens.access}` },
  })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<User>()
}

async function identitiesOf(tokens: TokenPair): Promise<Identity[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/auth/me/identities',
    headers: { authorization: `Bearer ${tokens.access}` },
  })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Identity[]>()
}

describe('providers and the redirect to them', () => {
  it('lists every configured provider with its label and login URL', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/sso' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), [
      { name: 'corp', label: 'Corp Login', login_url: `${PUBLIC_URL}/api/auth/sso/corp/login` },
      { name: 'partner', label: 'Partner', login_url: `${PUBLIC_URL}/api/auth/sso/partner/login` },
    ])
  })

  it('redirects to the provider with a state, a nonce and an S256 PKCE challenge', async () => {
    const url = new URL(await startLogin('corp'))
    assert.equal(url.origin, corp.issuer)
    const params = url.searchParams
    assert.equal(params.get('client_id'), corp.clientId)
    assert.equal(params.get('redirect_uri'), callbackOf('corp'))
    assert.equal(params.get('response_type'), 'code')
    assert.equal(params.get('code_challenge_method'), 'S256')
    for (const name of ['state', 'nonce', 'code_challenge'])
      assert.ok((params.get(name) ?? '').length >= 32, name)
    assert.match(params.get('scope') ?? '', /\bopenid\b/)
  })

  it('answers 404 for a provider that is not configured', async () => {
    const login = await t.app.inject({ method: 'GET', url: '/api/auth/sso/nobody/login' })
    assertProblem(login, 404, 'sso_provider_unknown')
    const back = await t.app.inject({ method: 'GET', url: '/api/auth/sso/nobody/callback?state=x&code=y' })
    assertProblem(back, 404, 'sso_provider_unknown')
  })

  it('refuses a next page that is not a path on this server', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/auth/sso/corp/login?next=${encodeURIComponent('https://evil.example/')}`,
    })
    assert.ok(assertInvalid(response).next)
  })
})

describe('signing in', () => {
  it('creates a verified user without a password on a first sign-in, with the usual token pair', async () => {
    const sub = person(corp, { email: 'New.Person@Example.com' })
    const response = await signInWith('corp', corp, sub)
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.headers['cache-control'], 'no-store')
    const tokens = response.json<TokenPair>()
    const user = await me(tokens)
    assert.equal(user.email, 'new.person@example.com')
    assert.equal(user.email_verified, true)
    assert.deepEqual([user.first_name, user.last_name, user.roles], ['Rui', 'Lopes', []])
    const [identity, ...others] = await identitiesOf(tokens)
    assert.deepEqual(
      [identity?.provider, identity?.subject, identity?.email, others],
      ['corp', sub, user.email, []],
    )
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/token/refresh/',
      payload: { refresh: tokens.refresh },
    })
    assert.equal(refreshed.statusCode, 200, 'the refresh token works as a password login’s')
  })

  it('signs the same user in again through their linked identity', async () => {
    const sub = person(corp)
    const first = await me((await signInWith('corp', corp, sub)).json<TokenPair>())
    const again = await me((await signInWith('corp', corp, sub)).json<TokenPair>())
    assert.equal(again.id, first.id)
  })

  it('links the identity to the account with the same email when the provider verified it', async () => {
    const existing = await createUser(t, { verified: false })
    const sub = person(corp, { email: existing.email.toUpperCase(), email_verified: true })
    const response = await signInWith('corp', corp, sub)
    assert.equal(response.statusCode, 200, response.body)
    const user = await me(response.json<TokenPair>())
    assert.equal(user.id, existing.id)
    assert.equal(user.email_verified, true, 'the provider vouched for the address')
    await login(t, existing.email, existing.password)
  })

  it('refuses to link an account whose email the provider did not verify', async () => {
    const existing = await createUser(t)
    const sub = person(corp, { email: existing.email, email_verified: false })
    assertProblem(await signInWith('corp', corp, sub), 409, 'sso_email_unverified')
    const password = await login(t, existing.email, existing.password)
    assert.deepEqual(await identitiesOf(password), [], 'nothing was linked')
  })

  it('refuses a deactivated user', async () => {
    const admin = await signIn(t, ['admin'])
    const sub = person(corp)
    const user = await me((await signInWith('corp', corp, sub)).json<TokenPair>())
    const deactivated = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}`,
      headers: admin.headers,
    })
    assert.equal(deactivated.statusCode, 204)
    assertProblem(await signInWith('corp', corp, sub), 403, 'account_deactivated')
  })

  it('redirects to SSO_SUCCESS_URL with the tokens and the next page in the fragment when it is set', async () => {
    const landing = await buildTestApp({
      env: { ...corp.env('corp'), SSO_SUCCESS_URL: 'https://console.example/signed-in' },
    })
    try {
      const start = await landing.app.inject({
        method: 'GET',
        url: '/api/auth/sso/corp/login?next=/bookings',
      })
      const back = await corp.signIn(String(start.headers.location), person(corp))
      const response = await landing.app.inject({
        method: 'GET',
        url: `/api/auth/sso/corp/callback${back.search}`,
      })
      assert.equal(response.statusCode, 302, response.body)
      const location = new URL(String(response.headers.location))
      assert.equal(
        `${location.origin}${location.pathname}${location.search}`,
        'https://console.example/signed-in',
      )
      const fragment = new URLSearchParams(location.hash.slice(1))
      assert.ok(fragment.get('access') && fragment.get('refresh'))
      assert.equal(fragment.get('next'), '/bookings')
    } finally {
      await landing.close()
    }
  })
})

describe('what the callback refuses', () => {
  it('refuses a state that was already used (a replayed redirect)', async () => {
    const redirect = await corp.signIn(await startLogin('corp'), person(corp))
    assert.equal((await callback('corp', redirect)).statusCode, 200)
    assertProblem(await callback('corp', redirect), 400, 'sso_state_invalid')
  })

  it('refuses a state older than ten minutes', async () => {
    const redirect = await corp.signIn(await startLogin('corp'), person(corp))
    t.clock.advance(11 * 60 * 1000)
    assertProblem(await callback('corp', redirect), 400, 'sso_state_invalid')
  })

  it('refuses a state issued for another provider, and a missing one', async () => {
    const redirect = await corp.signIn(await startLogin('corp'), person(corp))
    assertProblem(await callback('partner', redirect), 400, 'sso_state_invalid')
    const bare = await t.app.inject({ method: 'GET', url: '/api/auth/sso/corp/callback?code=abc' })
    assertProblem(bare, 400, 'sso_state_invalid')
  })

  it('refuses an ID Token whose nonce is not the one this server sent', async () => {
    const url = new URL(await startLogin('corp'))
    url.searchParams.set('nonce', 'a-nonce-this-server-never-made-0123456789')
    const sub = person(corp)
    const response = await callback('corp', await corp.signIn(url.href, sub))
    assertProblem(response, 400, 'sso_response_invalid')
  })

  it('passes on the provider’s refusal as a 400, without the client secret', async () => {
    const state = new URL(await startLogin('corp')).searchParams.get('state') ?? ''
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/auth/sso/corp/callback?state=${state}&error=access_denied&error_description=User+said+no&iss=${encodeURIComponent(corp.issuer)}`,
    })
    const problem = assertProblem(response, 400, 'sso_provider_refused')
    assert.match(problem.detail, /access_denied: User said no/)
    assert.ok(!response.body.includes(corp.clientSecret))
  })
})

describe('linked identities', () => {
  it('links one person’s identities at two providers to one account', async () => {
    const email = uniqueEmail('both')
    const first = await me((await signInWith('corp', corp, person(corp, { email }))).json<TokenPair>())
    const response = await signInWith('partner', partner, person(partner, { email }))
    assert.equal(response.statusCode, 200, response.body)
    const tokens = response.json<TokenPair>()
    assert.equal((await me(tokens)).id, first.id)
    assert.deepEqual(
      (await identitiesOf(tokens)).map((identity) => identity.provider),
      ['corp', 'partner'],
    )
  })

  it('unlinks an identity, but not the last way to sign in', async () => {
    const email = uniqueEmail('unlink')
    await signInWith('corp', corp, person(corp, { email }))
    const tokens = (await signInWith('partner', partner, person(partner, { email }))).json<TokenPair>()
    const headers = { authorization: `Bearer ${tokens.access}` }
    const [corpIdentity, partnerIdentity] = await identitiesOf(tokens)
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/me/identities/${corpIdentity?.id}`,
      headers,
    })
    assert.equal(removed.statusCode, 204, removed.body)
    const last = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/me/identities/${partnerIdentity?.id}`,
      headers,
    })
    assertProblem(last, 409, 'last_sign_in_method')
  })

  it('lets a user with a password unlink their only identity', async () => {
    const existing = await createUser(t)
    await signInWith('corp', corp, person(corp, { email: existing.email }))
    const tokens = await login(t, existing.email, existing.password)
    const [identity] = await identitiesOf(tokens)
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/me/identities/${identity?.id}`,
      headers: { authorization: `Bearer ${tokens.access}` },
    })
    assert.equal(response.statusCode, 204, response.body)
  })

  it('answers 404 for someone else’s identity', async () => {
    const owner = (await signInWith('corp', corp, person(corp))).json<TokenPair>()
    const [identity] = await identitiesOf(owner)
    const stranger = await signIn(t)
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/me/identities/${identity?.id}`,
      headers: stranger.headers,
    })
    assertProblem(response, 404, 'not_found')
  })
})
