import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { embeddedEnv, PROJECT_ROOT, runBash, startServer, type RunningServer } from './helpers/processes.ts'

/**
 * The README's shell snippets are what a new user types first, so they run here as written: every
 * ```sh block that calls the server with curl, in the README's order, in one
 * bash, against a fresh embedded server started with `--demo` — only the port is changed. A command
 * whose comment promises an outcome (`# → "completed"`) must print it.
 */
const README = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')
const README_PORT = 'localhost:3000'

interface Expectation {
  /** The command as the README writes it. */
  command: string
  expected: string
}

/** Fenced `sh` blocks that call the server with curl (not the ones that install or start it). */
function serverSnippets(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
  return blocks.filter((block) => /curl[^\n]*localhost:3000/.test(block))
}

/** Joins lines continued with a backslash, so each entry is one command with its trailing comment. */
function commands(block: string): string[] {
  const found: string[] = []
  let current: string[] = []
  for (const line of block.split('\n')) {
    current.push(line)
    if (line.endsWith('\\')) continue
    found.push(current.join('\n'))
    current = []
  }
  return found.filter((command) => command.trim() !== '')
}

/**
 * The script to run, and the outcomes to check. A command with `# → text` has its output kept in a
 * file (in braces, so an assignment in it still counts) and printed, and must contain `text`.
 */
function scriptOf(snippets: string[], port: number): { script: string; expectations: Expectation[] } {
  const expectations: Expectation[] = []
  const lines: string[] = ['set -eu', 'FLOW_OUT=$(mktemp -d)']
  for (const snippet of snippets) {
    for (const command of commands(snippet)) {
      const promise = /\s# → (.+)$/.exec(command)
      const runnable = command.replaceAll(README_PORT, `localhost:${port}`)
      if (!promise?.[1]) {
        lines.push(runnable)
        continue
      }
      const index = expectations.length
      expectations.push({ command, expected: promise[1].trim() })
      const withoutComment = runnable.slice(0, runnable.lastIndexOf('# →'))
      lines.push(
        `{ ${withoutComment.trimEnd()}\n} > "$FLOW_OUT/${index}" 2>&1; cat "$FLOW_OUT/${index}"; echo`,
      )
      lines.push(`echo "<<${index}>>"`)
    }
  }
  return { script: lines.join('\n'), expectations }
}

describe(
  'the README’s shell flows',
  { skip: process.env.TEST_DATABASE_URL ? 'embedded pass only' : false, timeout: 240_000 },
  () => {
    let root: string
    let server: RunningServer

    before(async () => {
      root = mkdtempSync(path.join(tmpdir(), 'bureau-readme-'))
      // As the README's two-person example starts it (the other flows stay under the threshold).
      server = await startServer(
        ['--demo'],
        embeddedEnv(path.join(root, 'data'), { APPROVAL_THRESHOLD_COMPLAINT_REFUND: '1000.00' }),
      )
    })
    after(async () => {
      await server.stop()
      rmSync(root, { recursive: true, force: true })
    })

    test('the README has the flows it promises (quick start, supplier, complaint, bookings)', () => {
      const snippets = serverSnippets(README).join('\n')
      for (const call of [
        '/api/token/',
        '/api/anticipations/',
        '/api/complaints',
        '/api/bookings',
        '/mark-paid',
      ]) {
        assert.ok(snippets.includes(call), `no flow calls ${call}`)
      }
    })

    test('every flow runs as written and prints what its comments promise', async () => {
      const { script, expectations } = scriptOf(serverSnippets(README), server.port)
      assert.ok(expectations.length >= 8, 'the flows promise outcomes')
      const run = await runBash(script, { PATH: process.env.PATH, HOME: root })
      assert.equal(run.code, 0, `the flows failed:\n${run.stdout}\n${run.stderr}`)
      for (const [index, { command, expected }] of expectations.entries()) {
        const start = index === 0 ? 0 : run.stdout.indexOf(`<<${index - 1}>>`) + `<<${index - 1}>>`.length
        const output = run.stdout.slice(start, run.stdout.indexOf(`<<${index}>>`))
        assert.ok(output.includes(expected), `${command}\nprinted:\n${output}\nnot: ${expected}`)
      }
    })
  },
)
