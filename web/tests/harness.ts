/**
 * Runs the console in a real browser against a real Bureau: Bureau on an embedded database (or the
 * test PostgreSQL), listening on a free port of 127.0.0.1 and serving the freshly built console, a
 * background loop running its jobs as a worker would, and Debian's Chromium driven by playwright-core.
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts'
import { ensureConsoleBuilt } from '../tools/build.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: the console's browser tests were skipped (apt-get install chromium, or set CHROMIUM_PATH)`

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'console')

export interface ConsoleUnderTest {
  bureau: TestApp
  base: string
  browser: Browser
  /** A new browser profile (its own storage, so its own session) on a page of the console. */
  open(path?: string, options?: { phone?: boolean }): Promise<{ context: BrowserContext; page: Page }>
  /** The emails Bureau has sent so far (its outbox folder), as raw text. */
  emails(): Promise<string[]>
  close(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
  if (typeof address !== 'object' || address === null) throw new Error('no free port')
  return address.port
}

/**
 * `env`: settings of the Bureau under test, as an operator would set them (thresholds, say); `port`:
 * where it listens, when the test must know it beforehand (an identity provider's redirect URI).
 */
export async function startConsole(
  options: { env?: Record<string, string>; port?: number } = {},
): Promise<ConsoleUnderTest> {
  await ensureConsoleBuilt({ quiet: true })
  const port = options.port ?? (await freePort())
  const base = `http://127.0.0.1:${port}`
  const bureau = await buildTestApp({
    now: new Date().toISOString(),
    env: { PUBLIC_URL: base, APP_URL: base, SSO_SUCCESS_URL: `${base}/signed-in`, ...options.env },
  })
  // Bureau's clock follows the real one, so the browser's "today" and token expiry agree with it.
  const ticking = setInterval(() => {
    bureau.clock.set(new Date())
  }, 250)
  await bureau.app.listen({ port, host: '127.0.0.1' })
  const jobs = { running: true }
  const worker = (async () => {
    while (jobs.running) {
      await bureau.platform.jobs.drain()
      await sleep(200)
    }
  })()
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
  const outbox = join(bureau.config.dataDir, 'outbox')
  return {
    bureau,
    base,
    browser,
    async open(path = '/', options = {}) {
      const context = await browser.newContext({
        baseURL: base,
        // axe-core is injected as a script; Bureau's CSP allows only its own scripts.
        bypassCSP: true,
        ...(options.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {}),
      })
      const page = await context.newPage()
      await page.goto(path)
      return { context, page }
    },
    async emails() {
      const files = await readdir(outbox).catch(() => [] as string[])
      return Promise.all(files.sort().map((file) => readFile(join(outbox, file), 'utf8')))
    },
    async close() {
      jobs.running = false
      await worker
      clearInterval(ticking)
      await browser.close()
      await bureau.close()
    },
  }
}

/** The first link in an email that starts with `prefix` (quoted-printable soft breaks undone). */
export function linkIn(email: string, prefix: string): string {
  const text = email.replace(/=\r?\n/g, '').replace(/=3D/g, '=')
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`${escaped}[^\\s"<>]*`).exec(text)
  if (!match) throw new Error(`no link starting with ${prefix} in the email`)
  return match[0].replace(/&amp;/g, '&')
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/** The serious and critical accessibility violations axe-core finds on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await axeSource })
  const violations = await page.evaluate<AxeViolation[]>(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  )
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    )
}
