import type { EmailMessage } from './mailer.ts'

/**
 * The content of one email. A template is a function returning this; the shared layout turns it into
 * the HTML and the plain-text part, so the two always say the same thing. Every value is escaped in
 * the HTML part, so user data cannot inject markup.
 */
export interface EmailContent {
  subject: string
  greeting?: string
  paragraphs: string[]
  /** Labelled facts shown as a table (amounts, dates, references). */
  facts?: [label: string, value: string][]
  /** A button (HTML) and a link line (text). */
  action?: { label: string; url: string }
  /** A last, smaller line: why the recipient got this email. */
  footnote?: string
}

const PRODUCT = 'Bureau'

export function renderEmail(to: string, content: EmailContent): EmailMessage {
  return { to, subject: content.subject, html: html(content), text: text(content) }
}

function text(content: EmailContent): string {
  const blocks: string[] = []
  if (content.greeting) blocks.push(content.greeting)
  blocks.push(...content.paragraphs)
  if (content.facts?.length) {
    const width = Math.max(...content.facts.map(([label]) => label.length))
    blocks.push(content.facts.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n'))
  }
  if (content.action) blocks.push(`${content.action.label}: ${content.action.url}`)
  if (content.footnote) blocks.push(`-- \n${content.footnote}`)
  return `${blocks.join('\n\n')}\n\n${PRODUCT}\n`
}

function html(content: EmailContent): string {
  const parts: string[] = []
  if (content.greeting) parts.push(`<p style="margin:0 0 16px">${escapeHtml(content.greeting)}</p>`)
  for (const paragraph of content.paragraphs) {
    parts.push(`<p style="margin:0 0 16px">${escapeHtml(paragraph)}</p>`)
  }
  if (content.facts?.length) {
    const rows = content.facts
      .map(
        ([label, value]) =>
          `<tr><td style="padding:4px 16px 4px 0;color:#555">${escapeHtml(label)}</td><td style="padding:4px 0"><strong>${escapeHtml(value)}</strong></td></tr>`,
      )
      .join('')
    parts.push(`<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${rows}</table>`)
  }
  if (content.action) {
    parts.push(
      `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:#1f4e79;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:12px;color:#555">Or open this link: ${escapeHtml(content.action.url)}</p>`,
    )
  }
  if (content.footnote) {
    parts.push(`<p style="margin:24px 0 0;font-size:12px;color:#777">${escapeHtml(content.footnote)}</p>`)
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#222;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:6px">
<p style="margin:0 0 24px;font-weight:bold;color:#1f4e79">${PRODUCT}</p>
${parts.join('\n')}
</div></body></html>
`
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
