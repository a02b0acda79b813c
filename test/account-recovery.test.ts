import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { login, signIn, uniqueEmail } from './helpers/accounts.ts'
import { startSmtpCapture, type CapturedEmail, type SmtpCapture } from './helpers/smtp.ts'

let t: TestApp
let smtp: SmtpCapture

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, APP_URL: 'https://console.bureau.test' } })
})
after(async () => {
  await t.close()
  await smtp.close()
})

/** Runs the queued jobs (the email job among them) and returns the emails sent to `to` since `from`. */
async function deliveredTo(to: string): Promise<CapturedEmail[]> {
  await t.platform.jobs.drain()
  return smtp.messages.filter((message) => message.recipients.includes(to))
}

function codeIn(email: CapturedEmail | undefined): string {
  const match = /code:\s+(\S+)/.exec(email?.parsed.text ?? '')
  assert.ok(match?.[1], 'the email carries a code')
  return match[1]
}

async function register(email: string, password = 'a-long-password') {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password, first_name: 'Rita', last_name: 'Reis' },
  })
  assert.equal(response.statusCode, 201)
  return { email, password }
}

describe('email verification', () => {
  it('registering sends one verification email with a link to the console and a code', async () => {
    const { email } = await register(uniqueEmail('verify'))
    const emails = await deliveredTo(email)
    assert.equal(emails.length, 1)
    const [message] = emails
    assert.equal(message?.parsed.subject, 'Confirm your email address')
    assert.match(message.parsed.text ?? '', /https:\/\/console\.bureau\.test\/verify-email\?token=/)
    assert.match(message.parsed.html ?? '', /Confirm my email/)
  })

  it('the code from the email verifies the address', async () => {
    const { email, password } = await register(uniqueEmail('verify'))
    const token = codeIn((await deliveredTo(email))[0])
    const verified = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } })
    assert.equal(verified.statusCode, 204)
    const { access } = await login(t, email, password)
    const me = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${access}` } })
    assert.equal(me.json<{ email_verified: boolean }>().email_verified, true)
  })

  it('a used verification code is refused with 400 on token', async () => {
    const { email } = await register(uniqueEmail('verify'))
    const token = codeIn((await deliveredTo(email))[0])
    await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } })
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } })
    assert.equal(again.statusCode, 400)
    assert.match(again.json<{ errors: { token: string[] } }>().errors.token[0] ?? '', /already used/)
  })

  it('an expired verification code is refused', async () => {
    const { email } = await register(uniqueEmail('verify'))
    const token = codeIn((await deliveredTo(email))[0])
    t.clock.advance((t.config.emailVerificationTtlSeconds + 1) * 1000)
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } })
    assert.equal(response.statusCode, 400)
    assert.match(response.json<{ errors: { token: string[] } }>().errors.token[0] ?? '', /expired/)
  })

  it('an unknown code is refused', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      payload: { token: 'not-a-code' },
    })
    assert.equal(response.statusCode, 400)
    assert.ok(response.json<{ errors: Record<string, string[]> }>().errors.token)
  })

  it('resending makes the earlier code stop working', async () => {
    const { email, password } = await register(uniqueEmail('verify'))
    const first = codeIn((await deliveredTo(email))[0])
    const { access } = await login(t, email, password)
    const resent = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email/resend',
      headers: { authorization: `Bearer ${access}` },
    })
    assert.equal(resent.statusCode, 204)
    const emails = await deliveredTo(email)
    assert.equal(emails.length, 2)
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      payload: { token: first },
    })
    assert.equal(old.statusCode, 400)
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      payload: { token: codeIn(emails[1]) },
    })
    assert.equal(fresh.statusCode, 204)
  })

  it('resending to a verified address is a conflict', async () => {
    const user = await signIn(t)
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email/resend',
      headers: user.headers,
    })
    assert.equal(response.statusCode, 409)
    assert.equal(response.json<{ code: string }>().code, 'email_already_verified')
  })
})

describe('password reset', () => {
  async function requestReset(email: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { email },
    })
    assert.equal(response.statusCode, 202)
  }

  it('an unknown email gets the same 202 and no email is sent', async () => {
    const email = uniqueEmail('nobody')
    await requestReset(email)
    assert.equal((await deliveredTo(email)).length, 0)
  })

  it('the reset code sets a new password, ends every session, and works once', async () => {
    const user = await signIn(t)
    await requestReset(user.email.toUpperCase())
    const [message] = await deliveredTo(user.email)
    assert.equal(message?.parsed.subject, 'Reset your password')
    assert.match(message.parsed.text ?? '', /https:\/\/console\.bureau\.test\/reset-password\?token=/)
    const token = codeIn(message)

    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token, new_password: 'a-brand-new-password' },
    })
    assert.equal(confirmed.statusCode, 204)

    const oldSession = await t.app.inject({ url: '/api/auth/me', headers: user.headers })
    assert.equal(oldSession.statusCode, 401)
    const oldRefresh = await t.app.inject({
      method: 'POST',
      url: '/api/token/refresh/',
      payload: { refresh: user.refresh },
    })
    assert.equal(oldRefresh.statusCode, 401)
    const oldPassword = await t.app.inject({
      method: 'POST',
      url: '/api/token/',
      payload: { email: user.email, password: user.password },
    })
    assert.equal(oldPassword.statusCode, 401)
    await login(t, user.email, 'a-brand-new-password')

    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token, new_password: 'yet-another-password' },
    })
    assert.equal(reused.statusCode, 400)
    assert.ok(reused.json<{ errors: Record<string, string[]> }>().errors.token)
  })

  it('a rejected new password leaves the code usable', async () => {
    const user = await signIn(t)
    await requestReset(user.email)
    const token = codeIn((await deliveredTo(user.email))[0])
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token, new_password: '1234567890' },
    })
    assert.equal(weak.statusCode, 400)
    assert.ok(weak.json<{ errors: Record<string, string[]> }>().errors.new_password)
    const good = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token, new_password: 'a-good-new-password' },
    })
    assert.equal(good.statusCode, 204)
  })

  it('a reset code expires after PASSWORD_RESET_TTL', async () => {
    const user = await signIn(t)
    await requestReset(user.email)
    const token = codeIn((await deliveredTo(user.email))[0])
    t.clock.advance((t.config.passwordResetTtlSeconds + 1) * 1000)
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token, new_password: 'a-good-new-password' },
    })
    assert.equal(response.statusCode, 400)
    assert.match(response.json<{ errors: { token: string[] } }>().errors.token[0] ?? '', /expired/)
  })

  it('asking again makes the earlier code stop working', async () => {
    const user = await signIn(t)
    await requestReset(user.email)
    const [first] = await deliveredTo(user.email)
    await requestReset(user.email)
    const [, second] = await deliveredTo(user.email)
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token: codeIn(first), new_password: 'a-good-new-password' },
    })
    assert.equal(old.statusCode, 400)
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token: codeIn(second), new_password: 'a-good-new-password' },
    })
    assert.equal(fresh.statusCode, 204)
  })

  it('a reset code sent before the password was changed no longer works', async () => {
    const user = await signIn(t)
    await requestReset(user.email)
    const [message] = await deliveredTo(user.email)
    const changed = await t.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: user.headers,
      payload: { current_password: user.password, new_password: 'a-changed-password' },
    })
    assert.equal(changed.statusCode, 200)
    const late = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token: codeIn(message), new_password: 'an-attackers-password' },
    })
    assert.equal(late.statusCode, 400)
    assert.equal((await login(t, user.email, 'a-changed-password')).access.length > 0, true)
  })

  it('deactivating an account retires its reset codes', async () => {
    const admin = await signIn(t, ['admin'])
    const user = await signIn(t)
    await requestReset(user.email)
    await deliveredTo(user.email)
    const deactivated = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}`,
      headers: admin.headers,
    })
    assert.equal(deactivated.statusCode, 204)
    const { rows } = await sql<{ unused: number }>`
      select count(*)::int as unused from user_tokens
      where user_id = ${user.id} and purpose = 'password_reset' and used_at is null`.execute(t.platform.db)
    assert.deepEqual(rows, [{ unused: 0 }])
  })

  it('a deactivated account gets no reset email', async () => {
    const admin = await signIn(t, ['admin'])
    const user = await signIn(t)
    await t.app.inject({ method: 'DELETE', url: `/api/users/${user.id}`, headers: admin.headers })
    await requestReset(user.email)
    assert.equal((await deliveredTo(user.email)).length, 0)
  })
})
