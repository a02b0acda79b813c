import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PROJECT_ROOT } from '../helpers/processes.ts'
import { NGINX_BINARY } from './nginx.ts'
import { admin, services } from './stack.ts'

/*
 * `npm run test:scale`: runs test/scale/*.scale.ts one file at a time with Node's test runner, on the
 * PostgreSQL of TEST_DATABASE_URL and the Redis of TEST_REDIS_URL (127.0.0.1 by default), within a
 * bound of 5 minutes. Whatever a test file left running when it ended (a crash, the bound, Ctrl-C) is
 * stopped here: the stacks record their processes' ids and their databases in SCALE_RUN_DIR.
 */

const BOUND_MS = 280_000
const GRACE_MS = 25_000
const here = path.join(PROJECT_ROOT, 'test', 'scale')

async function main(): Promise<number> {
  if (!existsSync(NGINX_BINARY)) {
    console.error(
      'nginx is not installed (apt-get install nginx); the scale tests run it in front of the API.',
    )
    return 1
  }
  const files = readdirSync(here)
    .filter((file) => file.endsWith('.scale.ts'))
    .sort()
    .map((file) => path.join('test', 'scale', file))
  const runDir = mkdtempSync(path.join(tmpdir(), 'bureau-scale-run-'))
  const { databaseServerUrl, redisUrl } = services()
  const started = Date.now()
  const child = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', ...process.argv.slice(2), ...files],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        SCALE_RUN_DIR: runDir,
        TEST_DATABASE_URL: databaseServerUrl,
        TEST_REDIS_URL: redisUrl,
      },
      stdio: 'inherit',
      // Its own group, so the bound and Ctrl-C reach every test file's process.
      detached: true,
    },
  )
  const signalTests = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }
  let outcome = 'finished'
  const bound = setTimeout(() => {
    outcome = `stopped at the ${BOUND_MS / 1000} s bound`
    signalTests('SIGTERM')
    setTimeout(() => {
      signalTests('SIGKILL')
    }, GRACE_MS).unref()
  }, BOUND_MS)
  const interrupt = (signal: NodeJS.Signals) => {
    outcome = `interrupted (${signal})`
    signalTests(signal)
    setTimeout(() => {
      signalTests('SIGKILL')
    }, GRACE_MS).unref()
  }
  process.on('SIGINT', interrupt)
  process.on('SIGTERM', interrupt)
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  // The test files' processes (the runner's children, in its group) may still be stopping their stacks.
  const groupDeadline = Date.now() + GRACE_MS
  while (child.pid !== undefined && groupAlive(child.pid) && Date.now() < groupDeadline) await sleep(100)
  signalTests('SIGKILL')
  clearTimeout(bound)
  const swept = await sweep(runDir, databaseServerUrl)
  rmSync(runDir, { recursive: true, force: true })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(
    `\ntest:scale ${outcome} in ${seconds} s (${files.length} files)${swept ? `; ${swept}` : ''}\n`,
  )
  if (outcome !== 'finished') return 1
  return code ?? 1
}

/** Kills the processes and drops the databases a test file did not clean up; says what it did. */
async function sweep(runDir: string, databaseServerUrl: string): Promise<string> {
  const done: string[] = []
  for (const pid of list(path.join(runDir, 'pids'))) {
    const recorded = readFileSync(path.join(runDir, 'pids', pid), 'utf8')
    // The process of that id must still be the one started (nginx's master shows its command line
    // inside its title).
    if (!commandLine(pid)?.includes(recorded.replaceAll('\0', ' '))) continue
    try {
      process.kill(-Number(pid), 'SIGKILL')
      done.push(`killed ${recorded.split('\0').at(-1) ?? ''} (pid ${pid})`)
    } catch {
      // Gone in between.
    }
  }
  for (const name of list(path.join(runDir, 'databases'))) {
    if (!/^bureau_scale_[0-9a-f]+$/.test(name)) continue
    await admin(databaseServerUrl, `drop database if exists ${name} with (force)`).catch(() => undefined)
    done.push(`dropped database ${name}`)
  }
  for (const name of list(path.join(runDir, 'folders'))) {
    const folder = readFileSync(path.join(runDir, 'folders', name), 'utf8')
    if (!folder.startsWith(path.join(tmpdir(), 'bureau-scale-'))) continue
    rmSync(folder, { recursive: true, force: true })
    done.push(`removed ${folder}`)
  }
  return done.length > 0 ? `left behind and cleaned up: ${done.join(', ')}` : ''
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

function list(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder) : []
}

function commandLine(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return undefined
  }
}

process.exitCode = await main()
