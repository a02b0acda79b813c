import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from './config.ts'

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error.problems
  }
  assert.fail('expected the environment to be rejected')
}

const GOOGLE = {
  OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
  OIDC_GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  OIDC_GOOGLE_CLIENT_SECRET: 'secret',
}

describe('OpenID Connect providers', () => {
  it('none is configured by default', () => {
    assert.deepEqual(loadConfig({}).sso, { providers: [], successUrl: undefined })
  })

  it('each OIDC_<NAME>_ISSUER names a provider, with the openid, email and profile scopes by default', () => {
    const { providers } = loadConfig({
      ...GOOGLE,
      OIDC_MY_CORP_ISSUER: 'https://login.corp.example/realms/staff',
      OIDC_MY_CORP_CLIENT_ID: 'bureau',
      OIDC_MY_CORP_CLIENT_SECRET: 'other',
      OIDC_MY_CORP_SCOPES: 'email groups',
      OIDC_MY_CORP_LABEL: 'Corp staff',
      OIDC_MY_CORP_AUTH_METHOD: 'client_secret_post',
    }).sso
    assert.deepEqual(providers, [
      {
        name: 'google',
        label: 'Google',
        issuer: 'https://accounts.google.com',
        clientId: 'id.apps.googleusercontent.com',
        clientSecret: 'secret',
        scopes: 'openid email profile',
        authMethod: 'client_secret_basic',
      },
      {
        name: 'my-corp',
        label: 'Corp staff',
        issuer: 'https://login.corp.example/realms/staff',
        clientId: 'bureau',
        clientSecret: 'other',
        scopes: 'openid email groups',
        authMethod: 'client_secret_post',
      },
    ])
  })

  it('an issuer without its client id and secret is refused', () => {
    const problems = problemsOf({ OIDC_GOOGLE_ISSUER: 'https://accounts.google.com' })
    assert.deepEqual(problems, [
      'OIDC_GOOGLE_ISSUER is set: OIDC_GOOGLE_CLIENT_ID is needed too.',
      'OIDC_GOOGLE_ISSUER is set: OIDC_GOOGLE_CLIENT_SECRET is needed too.',
    ])
  })

  it('a plain http issuer is refused unless it is on this machine', () => {
    const remote = problemsOf({ ...GOOGLE, OIDC_GOOGLE_ISSUER: 'http://idp.example' })
    assert.match(remote.join('\n'), /OIDC_GOOGLE_ISSUER must be an https URL/)
    const local = loadConfig({ ...GOOGLE, OIDC_GOOGLE_ISSUER: 'http://127.0.0.1:8080/realms/dev' })
    assert.equal(local.sso.providers[0]?.issuer, 'http://127.0.0.1:8080/realms/dev')
  })

  it('SSO_SUCCESS_URL must be an http(s) URL', () => {
    assert.match(problemsOf({ SSO_SUCCESS_URL: 'console' }).join('\n'), /SSO_SUCCESS_URL/)
  })
})
