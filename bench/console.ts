/**
 * `npm run bench:console`: the console's two speed figures (see bench/README.md, "The console").
 *
 * 1. Initial JavaScript: the scripts web/dist/index.html loads before the first page can render
 *    (its module entry and what it preloads), gzipped at level 6 (nginx and most CDNs use 1–6).
 * 2. A supplier with 10 000 payments opens their payments list: the time from the moment the list's
 *    API answer has arrived (its Resource Timing `responseEnd`) to the first row in the page and
 *    the frame after it, measured inside Chromium for each of N full page loads.
 *
 * Runs Bureau on an embedded database on 127.0.0.1 and stops everything it started.
 *   node bench/console.ts [--loads 20] [--payments 10000]
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { signIn } from '../test/helpers/accounts.ts'
import { newSupplier } from '../test/helpers/suppliers.ts'
import { consoleDist } from '../web/tools/build.ts'
import { chromiumMissing, startConsole } from '../web/tests/harness.ts'

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '20' },
    payments: { type: 'string', default: '10000' },
    path: { type: 'string', default: '/payments' },
  },
})
const LOADS = Number(values.loads)
const PAYMENTS = Number(values.payments)

const say = (line: string) => {
  process.stdout.write(`${line}\n`)
}

/** The scripts the shell loads up front: the module entry and every modulepreload. */
async function initialJavaScript(): Promise<{ files: string[]; raw: number; gzip: number }> {
  const shell = await readFile(join(consoleDist, 'index.html'), 'utf8')
  const files = [
    ...shell.matchAll(/<script type="module"[^>]* src="([^"]+)"/g),
    ...shell.matchAll(/<link rel="modulepreload"[^>]* href="([^"]+)"/g),
  ].map((match) => match[1] ?? '')
  let raw = 0
  let gzip = 0
  for (const file of files) {
    const bytes = await readFile(join(consoleDist, file))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 6 }).length
  }
  return { files, raw, gzip }
}

/** Installed before the app's code on every load: when the list answered, when its first row showed. */
const PROBE = `(() => {
  const timing = { responseEnd: undefined, rowAt: undefined, frameAt: undefined }
  window.__listTiming = timing
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // The list itself (a page of 10); the tabs' counts ask for pages of one.
      if (/\\/api\\/payments\\/\\?(.*&)?page_size=10(&|$)/.test(entry.name) && timing.responseEnd === undefined) timing.responseEnd = entry.responseEnd
    }
  }).observe({ type: 'resource', buffered: true })
  new MutationObserver((_, observer) => {
    if (timing.rowAt === undefined && document.querySelector('main table tbody tr')) {
      timing.rowAt = performance.now()
      requestAnimationFrame(() => { timing.frameAt = performance.now() })
      observer.disconnect()
    }
  }).observe(document, { childList: true, subtree: true })
})()`

interface ListTiming {
  responseEnd?: number
  rowAt?: number
  frameAt?: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

async function main(): Promise<void> {
  if (chromiumMissing) throw new Error(chromiumMissing)
  const bureau = await startConsole()
  try {
    const js = await initialJavaScript()
    say(
      `Initial JavaScript: ${js.files.join(', ')}: ${(js.raw / 1024).toFixed(1)} KiB, ${(js.gzip / 1024).toFixed(1)} KiB gzipped`,
    )
    const operator = await signIn(bureau.bureau, ['operator'])
    const supplier = await newSupplier(bureau.bureau, operator, { legalName: 'Bench Materiais Ltda.' })
    const rows = Array.from({ length: PAYMENTS }, (_, n) => {
      const due = new Date(Date.now() + (30 + (n % 300)) * 86_400_000).toISOString().slice(0, 10)
      return `${supplier.id},${due},${100 + (n % 900)}.${String(n % 100).padStart(2, '0')},B-${n}`
    })
    const imported = await bureau.bureau.app.inject({
      method: 'POST',
      url: '/api/payments/import',
      headers: { ...operator.headers, 'content-type': 'text/csv' },
      payload: ['supplier,due_date,value,external_ref', ...rows].join('\n'),
    })
    assert.equal(imported.statusCode, 201, imported.body)

    const { context, page } = await bureau.open('/sign-in')
    await page.getByLabel('Email').fill(supplier.user.email)
    await page.getByLabel('Password').fill(supplier.user.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: /^Hello/ }).waitFor()
    await context.addInitScript({ content: PROBE })
    const afterAnswer: number[] = []
    for (let load = 0; load < LOADS + 2; load++) {
      await page.goto(values.path)
      await page.waitForFunction('window.__listTiming && window.__listTiming.frameAt !== undefined')
      const timing = await page.evaluate<ListTiming>('window.__listTiming')
      assert.ok(
        timing.responseEnd !== undefined && timing.frameAt !== undefined,
        'the list request was not seen',
      )
      // The first two loads warm the server's and the browser's caches.
      if (load >= 2) afterAnswer.push(timing.frameAt - timing.responseEnd)
    }
    await context.close()
    afterAnswer.sort((a, b) => a - b)
    say(
      `Payments list (${PAYMENTS.toLocaleString('en')} payments), first row painted after the API answered, ${LOADS} loads: ` +
        `median ${percentile(afterAnswer, 50).toFixed(1)} ms, p95 ${percentile(afterAnswer, 95).toFixed(1)} ms, max ${(afterAnswer.at(-1) ?? 0).toFixed(1)} ms`,
    )
  } finally {
    await bureau.close()
  }
}

await main()
