import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderEmail, type EmailContent } from './templates.ts'

const HOSTILE_NAME = '<script>alert(1)</script>'
const HOSTILE_URL = 'https://console.bureau.test/reset?token=abc"onmouseover="alert(1)'

const content: EmailContent = {
  subject: 'Your refund of 120.00 EUR was approved',
  greeting: `Hello ${HOSTILE_NAME},`,
  paragraphs: ['Your complaint was approved.', `The refund goes to the account of ${HOSTILE_NAME}.`],
  facts: [
    ['Amount', '120.00 EUR'],
    ['Beneficiary', HOSTILE_NAME],
  ],
  action: { label: 'See the complaint', url: HOSTILE_URL },
  footnote: 'You receive this email because you filed a complaint.',
}

/** A text line "Label:   value" (labels are padded to one column). */
function hasFact(text: string, label: string, value: string): boolean {
  return text
    .split('\n')
    .some((line) => line.startsWith(`${label}:`) && line.slice(label.length + 1).trim() === value)
}

describe('rendering an email', () => {
  it('keeps the recipient and the subject as given', () => {
    const email = renderEmail('rita@example.com', content)
    assert.equal(email.to, 'rita@example.com')
    assert.equal(email.subject, 'Your refund of 120.00 EUR was approved')
  })

  it('escapes user data in the HTML part, so it cannot inject markup', () => {
    const { html } = renderEmail('rita@example.com', content)
    assert.doesNotMatch(html, /<script>/)
    assert.match(html, /Hello &lt;script&gt;alert\(1\)&lt;\/script&gt;,/)
    assert.match(html, /account of &lt;script&gt;alert\(1\)&lt;\/script&gt;\./)
    assert.match(html, /<strong>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/strong>/)
  })

  it('escapes a quote in the action URL, so it cannot leave the href attribute', () => {
    const { html } = renderEmail('rita@example.com', content)
    assert.match(
      html,
      /href="https:\/\/console\.bureau\.test\/reset\?token=abc&quot;onmouseover=&quot;alert\(1\)"/,
    )
    assert.doesNotMatch(html, /"onmouseover="/)
  })

  it('escapes the subject in the HTML title', () => {
    const { html } = renderEmail('rita@example.com', { subject: 'Offer for <b>you</b>', paragraphs: ['Hi.'] })
    assert.match(html, /<title>Offer for &lt;b&gt;you&lt;\/b&gt;<\/title>/)
  })

  it('says in the text part what the HTML part says: greeting, paragraphs, facts, action URL and footnote', () => {
    const { text } = renderEmail('rita@example.com', content)
    assert.ok(text.includes(`Hello ${HOSTILE_NAME},`))
    for (const paragraph of content.paragraphs) assert.ok(text.includes(paragraph), paragraph)
    assert.ok(hasFact(text, 'Amount', '120.00 EUR'))
    assert.ok(hasFact(text, 'Beneficiary', HOSTILE_NAME), 'user data stays as typed in the text part')
    assert.ok(text.includes(`See the complaint: ${HOSTILE_URL}`))
    assert.ok(text.includes('You receive this email because you filed a complaint.'))
  })

  it('shows every paragraph, fact and the action in the HTML part', () => {
    const { html } = renderEmail('rita@example.com', content)
    assert.match(html, /<p[^>]*>Your complaint was approved\.<\/p>/)
    assert.match(html, /<td[^>]*>Amount<\/td><td[^>]*><strong>120\.00 EUR<\/strong><\/td>/)
    assert.match(html, /<a href="[^"]+"[^>]*>See the complaint<\/a>/)
    assert.match(html, /You receive this email because you filed a complaint\./)
  })

  it('leaves out the sections an email does not have', () => {
    const { html, text } = renderEmail('rita@example.com', { subject: 'Hello', paragraphs: ['Just this.'] })
    assert.doesNotMatch(html, /<table|<a /)
    assert.equal(text, 'Just this.\n\nBureau\n')
  })
})
