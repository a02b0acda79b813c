import { after, before, describe, it } from 'node:test'
import { chromiumMissing, startConsole, type ConsoleUnderTest } from './harness.ts'
import { adminJourney, hotelsJourney } from './journeys/admin.ts'
import { registration } from './journeys/registration.ts'

// One Bureau and one browser for every journey (each journey has its own browser profile and users).
describe('the console in a real browser', { skip: chromiumMissing }, () => {
  let bureau: ConsoleUnderTest
  before(async () => {
    bureau = await startConsole()
  })
  after(async () => {
    await bureau.close()
  })

  it('a newcomer registers, sees the field error for a bad IBAN, verifies from the email and signs in', () =>
    registration(bureau))

  it('an admin grants a user the approver role, who then sees its navigation; the audit log, statistics and ledger show it', () =>
    adminJourney(bureau))

  it('an admin adds a hotel with a picture and a room type, changes it and deletes both, on a phone', () =>
    hotelsJourney(bureau))
})
