import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../config.ts'
import { payoutProvider, payoutProviders } from './index.ts'

describe('payout settings', () => {
  it('pays by hand by default, refunds in EUR, with Wise’s sandbox as the Wise URL', () => {
    const config = loadConfig({})
    assert.equal(config.payouts.provider, 'manual')
    assert.equal(config.refundCurrency, 'EUR')
    assert.equal(config.payouts.wise.baseUrl, 'https://api.sandbox.transferwise.tech')
    assert.equal(config.payouts.wise.profileId, undefined)
    assert.equal(config.payouts.wise.timeoutMs, 15_000)
    assert.equal(payoutProvider(config).name, 'manual')
  })

  it('pays through Wise once WISE_API_TOKEN is set', () => {
    const config = loadConfig({ WISE_API_TOKEN: 'token', WISE_PROFILE_ID: '202' })
    assert.equal(config.payouts.provider, 'wise')
    assert.equal(config.payouts.wise.profileId, 202)
    assert.equal(payoutProvider(config).name, 'wise')
  })

  it('keeps paying by hand when PAYOUT_PROVIDER=manual, even with a Wise token', () => {
    const config = loadConfig({ WISE_API_TOKEN: 'token', PAYOUT_PROVIDER: 'manual' })
    assert.equal(payoutProvider(config).name, 'manual')
  })

  it('keeps Wise configured beside the manual provider when a token is set, for the payouts made with it', () => {
    const config = loadConfig({ WISE_API_TOKEN: 'token', PAYOUT_PROVIDER: 'manual' })
    assert.deepEqual(
      payoutProviders(config).otherProviders.map((provider) => provider.name),
      ['wise'],
    )
    assert.deepEqual(payoutProviders(loadConfig({})).otherProviders, [])
  })

  it('refuses PAYOUT_PROVIDER=wise without WISE_API_TOKEN, and bad payout variables, all at once', () => {
    assert.throws(
      () =>
        loadConfig({
          PAYOUT_PROVIDER: 'wise',
          REFUND_CURRENCY: 'EURO',
          WISE_PROFILE_ID: 'abc',
          WISE_BASE_URL: 'ftp://wise',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.deepEqual(error.problems.length, 4, error.message)
        assert.match(error.message, /PAYOUT_PROVIDER=wise needs WISE_API_TOKEN/)
        assert.match(error.message, /REFUND_CURRENCY must be an ISO 4217 currency/)
        return true
      },
    )
  })

  it('never shows the Wise token in a configuration error', () => {
    assert.throws(
      () => loadConfig({ WISE_API_TOKEN: 'secret-token-value', PAYOUT_PROVIDER: 'paypal' }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('secret-token-value'),
    )
  })
})
