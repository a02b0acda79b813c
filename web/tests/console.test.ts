import { after, before, describe, it } from 'node:test'
import { startIdentityProvider, type TestIdentityProvider } from '../../test/helpers/oidc-provider.ts'
import { chromiumMissing, freePort, startConsole, type ConsoleUnderTest } from './harness.ts'
import { adminJourney, hotelsJourney } from './journeys/admin.ts'
import { complaintNeedsAnIban, complaintRejected } from './journeys/complaints.ts'
import { guestBooks, hotelSearchOnAPhone } from './journeys/guests.ts'
import { money } from './journeys/money.ts'
import { registration } from './journeys/registration.ts'
import { sessionStaysAlive } from './journeys/session.ts'
import { signInWithProvider } from './journeys/sso.ts'
import { EARLY_PAYMENT_THRESHOLD, twoApprovals } from './journeys/two-approvals.ts'

// One Bureau and one browser for every journey (each journey has its own browser profile and users).
describe('the console in a real browser', { skip: chromiumMissing }, () => {
  let bureau: ConsoleUnderTest
  before(async () => {
    bureau = await startConsole({ env: { APPROVAL_THRESHOLD_EARLY_PAYMENT: EARLY_PAYMENT_THRESHOLD } })
  })
  after(async () => {
    await bureau.close()
  })

  it('a newcomer registers, sees the field error for a bad IBAN, verifies from the email, signs in, then resets a forgotten password', () =>
    registration(bureau))
  it('a guest searches a city for dates, sees rooms left and the total, books, finds it in My bookings and cancels it', () =>
    guestBooks(bureau))
  it('the hotel search fits a phone-sized screen', () => hotelSearchOnAPhone(bureau))
  it('a user files a complaint with a photo, an approver sees it waiting and rejects it with a reason, the user sees it rejected', () =>
    complaintRejected(bureau))
  it('a user without an IBAN is told in the API’s words to add one, with the way to the profile', () =>
    complaintNeedsAnIban(bureau))

  it('a supplier asks for an early payment with a live quote, an operator approves it and finds its payout, another marks it paid; a bad IBAN is shown beside its field', () =>
    money(bureau))

  it('an early payment above the threshold needs two operators: the first sees 1 of 2 and cannot approve twice, the second completes it', () =>
    twoApprovals(bureau))

  it('an admin grants a user the approver role, who then sees its navigation; the audit log, statistics and ledger show it', () =>
    adminJourney(bureau))

  it('an admin adds a hotel with a picture and a room type, changes it and deletes both, on a phone', () =>
    hotelsJourney(bureau))
})

// Access tokens of 62 s: the console refreshes a minute ahead, so about every 2 s.
describe('a session in the console', { skip: chromiumMissing }, () => {
  let bureau: ConsoleUnderTest
  before(async () => {
    bureau = await startConsole({ env: { JWT_ACCESS_TTL: '62' } })
  })
  after(async () => {
    await bureau.close()
  })

  it('stays alive across background refreshes in two tabs, neither reusing a refresh token', () =>
    sessionStaysAlive(bureau))
})

describe('single sign-on in the console', { skip: chromiumMissing }, () => {
  let bureau: ConsoleUnderTest
  let provider: TestIdentityProvider
  before(async () => {
    const port = await freePort()
    provider = await startIdentityProvider([`http://127.0.0.1:${port}/api/auth/sso/corp/callback`])
    bureau = await startConsole({ port, env: { ...provider.env('corp'), OIDC_CORP_LABEL: 'Corp Login' } })
  })
  after(async () => {
    await bureau.close()
    await provider.close()
  })

  it('signs in with the configured provider through its own login page, back on the page that asked', () =>
    signInWithProvider(bureau, provider))
})
