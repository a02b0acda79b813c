import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LockOwner } from '../../src/platform/database/embedded-lock.ts'

/** The project's root: commands run from there, as a user runs them after cloning. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAIN = path.join(PROJECT_ROOT, 'src', 'main.ts')

/**
 * The environment of a Bureau process started by a test: the embedded defaults in `dataDir`, nothing
 * inherited that would point it elsewhere (a test run on PostgreSQL sets variables of its own).
 */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
  return {
    ...env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    PORT: '0',
    METRICS_PORT: '0',
    ...extra,
  }
}

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `node src/main.ts <args>` to its end. */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: PROJECT_ROOT, env, stdio: 'pipe' })
  child.stdin.end()
  return collect(child)
}

/** Runs a bash script from the project's root. */
export async function runBash(script: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const child = spawn('bash', ['-c', script], { cwd: PROJECT_ROOT, env, stdio: 'pipe' })
  child.stdin.end()
  return collect(child)
}

function collect(child: ChildProcess): Promise<CommandResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout, stderr })
    })
  })
}

export interface RunningServer {
  port: number
  url: string
  /** Everything the process has written so far. */
  output(): string
  /** SIGTERM, then waits for the exit; returns the exit code. */
  stop(): Promise<number | null>
}

/**
 * Starts `node src/main.ts start` (with `args`) and waits until it is ready: listening, and its
 * control socket open (the lock file says both).
 */
export async function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const child = spawn(process.execPath, [MAIN, 'start', ...args], { cwd: PROJECT_ROOT, env, stdio: 'pipe' })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text))
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code
      resolve(code)
    }),
  )
  const lockFile = `${path.join(String(env.DATA_DIR), 'pglite')}.lock`
  while (!output.includes('Bureau is ready')) {
    if (exitCode !== undefined)
      throw new Error(`The server exited (${exitCode}) before it was ready:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner
  if (owner.port === null || owner.control === null) throw new Error(`Not ready: ${JSON.stringify(owner)}`)
  const { port } = owner
  return {
    port,
    url: `http://localhost:${port}`,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM')
      return exited
    },
  }
}
