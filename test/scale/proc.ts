import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** A process the scale tests started, and can stop, kill or start again. */
export interface Proc {
  name: string
  /** Its HTTP address, for an API process. */
  url?: string
  /** The current process id (a restart changes it). */
  pid: number
  /** Everything it has written (stdout and stderr) since it was first started, restarts included. */
  output(): string
  /** Sends a signal to the process (SIGKILL kills it, SIGTERM asks it to stop). */
  signal(sig: NodeJS.Signals): void
  /** Resolves with the exit code (null when a signal ended it) of the current run. */
  exited: Promise<number | null>
  /** Stops the current run (SIGTERM, if it still runs), then starts it again and waits until ready. */
  restart(): Promise<void>
}

export interface ProcSpec {
  name: string
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  url?: string
  /** Told of the process as soon as it is spawned (before it is ready), so a stop never misses it. */
  spawned?(proc: ManagedProc): void
  /**
   * Resolves once the process is ready; `output` is what it wrote so far. `stop` is aborted when
   * the process exits or takes too long: a check that loops ends then.
   */
  ready(output: () => string, stop: AbortSignal): Promise<void>
}

/**
 * Every process the scale tests start is registered here, and its pid written to SCALE_RUN_DIR
 * when the runner set one, so the runner can sweep what a crashed test file left behind.
 */
const running = new Set<ChildProcess>()
const runDir = process.env.SCALE_RUN_DIR

/** How long a process may take to be ready (migrations included): a bound on a hang. */
const READY_TIMEOUT_MS = 60_000

export class ManagedProc implements Proc {
  readonly name: string
  readonly url: string | undefined
  #spec: ProcSpec
  #child!: ChildProcess
  #output = ''
  #exited!: Promise<number | null>
  #exitCode: number | null | undefined

  private constructor(spec: ProcSpec) {
    this.name = spec.name
    this.url = spec.url
    this.#spec = spec
  }

  /** Starts the process and waits until it is ready; on failure it is stopped and the error says why. */
  static async start(spec: ProcSpec): Promise<ManagedProc> {
    const proc = new ManagedProc(spec)
    await proc.#run()
    return proc
  }

  get pid(): number {
    return this.#child.pid ?? -1
  }

  get exited(): Promise<number | null> {
    return this.#exited
  }

  get running(): boolean {
    return this.#exitCode === undefined
  }

  output(): string {
    return this.#output
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.#child.kill(sig)
  }

  async restart(): Promise<void> {
    await this.stop()
    await this.#run()
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.#exited
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => {
      killGroup(this.#child, 'SIGKILL')
    }, graceMs)
    try {
      return await this.#exited
    } finally {
      clearTimeout(timer)
    }
  }

  async #run(): Promise<void> {
    const spec = this.#spec
    // Its own process group: a terminal's Ctrl-C reaches the test, which stops everything in order.
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    this.#child = child
    this.#exitCode = undefined
    running.add(child)
    const pidFile = recordPid(child.pid, [spec.command, ...spec.args])
    spec.spawned?.(this)
    child.stdout.setEncoding('utf8').on('data', (text: string) => (this.#output += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (this.#output += text))
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.#exitCode = code
        running.delete(child)
        if (pidFile) rmSync(pidFile, { force: true })
        resolve(code)
      })
      child.on('error', (error) => {
        this.#output += `\n[spawn failed: ${error.message}]\n`
        this.#exitCode = null
        running.delete(child)
        resolve(null)
      })
    })
    try {
      await this.#waitReady()
    } catch (error) {
      await this.stop(2000)
      throw error
    }
  }

  async #waitReady(): Promise<void> {
    const abort = new AbortController()
    const exit = this.#exited.then((code) => {
      throw new Error(`${this.name} exited (${code}) before it was ready:\n${this.#output.slice(-4000)}`)
    })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(`${this.name} was not ready after ${READY_TIMEOUT_MS} ms:\n${this.#output.slice(-4000)}`),
        )
      }, READY_TIMEOUT_MS)
    })
    try {
      await Promise.race([this.#spec.ready(() => this.#output, abort.signal), exit, timeout])
    } finally {
      abort.abort()
      clearTimeout(timer)
      exit.catch(() => undefined)
    }
  }
}

/** Resolves once `condition` holds (checked every 50 ms), or once `stop` is aborted. */
export async function until(condition: () => boolean | Promise<boolean>, stop: AbortSignal): Promise<void> {
  while (!stop.aborted && !(await condition())) await sleep(50)
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, sig)
  } catch {
    // Already gone.
  }
}

/** Writes `<SCALE_RUN_DIR>/pids/<pid>` holding the command line, which the runner checks before a kill. */
function recordPid(pid: number | undefined, commandLine: string[]): string | undefined {
  if (!runDir || pid === undefined) return undefined
  const folder = path.join(runDir, 'pids')
  mkdirSync(folder, { recursive: true })
  const file = path.join(folder, String(pid))
  writeFileSync(file, commandLine.join('\0'))
  return file
}

/**
 * The last resort when the test process exits without stopping its processes (an uncaught error,
 * process.exit): each process group is killed. Synchronous, as an 'exit' listener must be.
 */
export function killAllNow(): void {
  for (const child of running) killGroup(child, 'SIGKILL')
}

process.on('exit', killAllNow)
