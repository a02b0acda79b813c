/**
 * `npm run test:mutation [-- name …]`: mutation testing of Bureau's rule files with StrykerJS.
 *
 * Each rule file is mutated in a Stryker run of its own, whose command runs only the tests that
 * cover that file (the command runner with a test list per file: no Stryker runner fits node:test).
 * Each run breaks below a 90 % score (`thresholds.break`), so the command exits non-zero when any
 * file falls below it. Reports: test-results/mutation/<name>.html per file, and index.html with
 * the score of each. Mutants that cannot be told apart from the original are disabled in the source
 * with a `// Stryker disable …: <why>` comment, which the report lists as ignored with the reason.
 */

import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MUTATION_TARGETS, type MutationTarget } from './targets.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const REPORTS = path.join(ROOT, 'test-results/mutation')
const WORK = path.join(ROOT, '.stryker-tmp')
const BREAK = 90

interface Outcome {
  target: MutationTarget
  exitCode: number
  score: Score | undefined
}

interface Score {
  killed: number
  timedOut: number
  survived: number
  noCoverage: number
  ignored: number
  errors: number
  percent: number
}

/** The Stryker configuration of one target. */
function configOf(target: MutationTarget): Record<string, unknown> {
  const tests = target.tests.map((test) => `"${test}"`).join(' ')
  const pattern = target.testNamePattern ? ` --test-name-pattern="${target.testNamePattern}"` : ''
  return {
    testRunner: 'command',
    commandRunner: { command: `node --test --test-concurrency=1${pattern} ${tests}` },
    mutate: [target.file],
    coverageAnalysis: 'off',
    concurrency: 2,
    // A mutant that makes a test hang (a loop that never ends, a lock never released) is detected
    // when the run takes this much longer than the unmutated one.
    timeoutMS: 30_000,
    timeoutFactor: 2,
    thresholds: { high: 95, low: BREAK, break: BREAK },
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: path.join(REPORTS, `${target.name}.html`) },
    jsonReporter: { fileName: path.join(REPORTS, `${target.name}.json`) },
    tempDirName: path.join(WORK, target.name),
    cleanTempDir: 'always',
    // Only what the tests read: the project without its reports, data and caches.
    ignorePatterns: ['/test-results', '/data', '/coverage', '/bench/results', '/web', '/.stryker-tmp'],
  }
}

/** Counts of a Stryker JSON report (mutation-testing-report-schema). */
function scoreOf(target: MutationTarget): Score | undefined {
  let report: { files: Record<string, { mutants: { status: string }[] }> }
  try {
    report = JSON.parse(readFileSync(path.join(REPORTS, `${target.name}.json`), 'utf8')) as typeof report
  } catch {
    return undefined
  }
  const statuses = Object.values(report.files).flatMap((file) => file.mutants.map((mutant) => mutant.status))
  const count = (status: string) => statuses.filter((candidate) => candidate === status).length
  const killed = count('Killed')
  const timedOut = count('Timeout')
  const survived = count('Survived')
  const noCoverage = count('NoCoverage')
  const detected = killed + timedOut
  const valid = detected + survived + noCoverage
  return {
    killed,
    timedOut,
    survived,
    noCoverage,
    ignored: count('Ignored'),
    errors: count('RuntimeError') + count('CompileError'),
    percent: valid === 0 ? 100 : (detected / valid) * 100,
  }
}

function run(target: MutationTarget): Outcome {
  mkdirSync(WORK, { recursive: true })
  const configFile = path.join(WORK, `${target.name}.config.json`)
  writeFileSync(configFile, JSON.stringify(configOf(target), null, 2))
  console.error(`\n=== ${target.file} (${target.tests.length} test files) ===`)
  const stryker = path.join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js')
  const result = spawnSync(process.execPath, [stryker, 'run', configFile], { cwd: ROOT, stdio: 'inherit' })
  return { target, exitCode: result.status ?? 1, score: scoreOf(target) }
}

/** The scores of every target that has a report, this run's or an earlier one's. */
function summary(): { table: string; html: string } {
  const outcomes = MUTATION_TARGETS.map((target) => ({ target, score: scoreOf(target) }))
  const rows = outcomes.map(({ target, score }) =>
    score
      ? `| \`${target.file}\` | ${score.percent.toFixed(2)} % | ${score.killed + score.timedOut} | ${score.survived + score.noCoverage} | ${score.ignored} |`
      : `| \`${target.file}\` | (no report) | | | |`,
  )
  const table = [
    '| file | score | detected | survived | ignored (equivalent) |',
    '| ---- | ----: | -------: | -------: | -------------------: |',
    ...rows,
  ].join('\n')
  const items = outcomes
    .map(
      ({ target, score }) =>
        `<tr><td><a href="${target.name}.html">${target.file}</a></td><td>${score ? `${score.percent.toFixed(2)} %` : 'no report'}</td><td>${score ? score.survived + score.noCoverage : ''}</td><td>${score?.ignored ?? ''}</td></tr>`,
    )
    .join('\n')
  const html = `<!doctype html><meta charset="utf-8"><title>Bureau mutation scores</title>
<h1>Mutation scores (break below ${BREAK} %)</h1>
<table><tr><th>file</th><th>score</th><th>survived</th><th>ignored</th></tr>
${items}
</table>`
  return { table, html }
}

function main(): void {
  const wanted = process.argv.slice(2)
  const targets = wanted.length
    ? MUTATION_TARGETS.filter((target) => wanted.some((name) => target.name === name || target.file === name))
    : MUTATION_TARGETS
  if (targets.length === 0) {
    console.error(`No such target. Targets: ${MUTATION_TARGETS.map((target) => target.name).join(', ')}`)
    process.exit(2)
  }
  if (wanted.length === 0) rmSync(REPORTS, { recursive: true, force: true })
  mkdirSync(REPORTS, { recursive: true })
  const started = Date.now()
  const outcomes = targets.map(run)
  const { table, html } = summary()
  writeFileSync(path.join(REPORTS, 'index.html'), html)
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  console.error(`\nMutation scores (${minutes} min; reports in test-results/mutation/):\n\n${table}\n`)
  const failed = outcomes.filter((outcome) => outcome.exitCode !== 0)
  for (const { target } of failed)
    console.error(`FAILED: ${target.file} (below ${BREAK} % or the run failed)`)
  process.exit(failed.length === 0 ? 0 : 1)
}

main()
