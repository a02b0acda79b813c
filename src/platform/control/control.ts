import { randomBytes, createHash, timingSafeEqual } from 'node:crypto'
import { chmodSync, unlinkSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { AppError } from '../errors.ts'
import type { Logger } from '../telemetry/logger.ts'

/**
 * The local control channel of a process that holds the embedded database. The one-off commands
 * (`seed`, `create-user`, `migrate`) must not open the database files while a server has them, so
 * they ask that server to run the command instead: HTTP over a Unix socket that only the folder's
 * owner can open (mode 0600), with a secret the server writes into its lock file (also 0600). The
 * command's output streams back as it is written; its outcome comes in the trailers.
 */
export type ControlCommand = (args: string[], out: (text: string) => void) => Promise<void>

export interface ControlAddress {
  socket: string
  secret: string
}

export interface ControlServer extends ControlAddress {
  close(): Promise<void>
}

export interface RemoteOutcome {
  /** 0 when the command succeeded. */
  exitCode: number
  /** What went wrong, in one message, when it did not. */
  error: string | undefined
}

/** Thrown by a command for a mistake of its caller's: the CLI prints the message and exits 2. */
export class CommandError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode = 2) {
    super(message)
    this.name = 'CommandError'
    this.exitCode = exitCode
  }
}

const EXIT_CODE = 'x-exit-code'
const ERROR = 'x-error'
/** Unix socket paths longer than this do not fit in sockaddr_un on every system. */
const MAX_SOCKET_PATH = 100

export function controlSocketPath(folder: string): string {
  const beside = path.join(path.resolve(folder), 'control.sock')
  if (beside.length <= MAX_SOCKET_PATH) return beside
  const digest = createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 16)
  return path.join(tmpdir(), `bureau-${digest}.sock`)
}

/**
 * Listens on the folder's control socket. Commands run one at a time, in this process, with its
 * database, modules and jobs.
 */
export async function startControlServer(
  folder: string,
  commands: Record<string, ControlCommand>,
  logger: Logger,
): Promise<ControlServer> {
  const socket = controlSocketPath(folder)
  const secret = randomBytes(32).toString('hex')
  let queue: Promise<void> = Promise.resolve()
  const server = http.createServer((request, response) => {
    queue = queue
      .then(() => serve(request, response, { secret, commands, logger }))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'control request failed')
        response.destroy()
      })
  })
  // Whoever holds the database lock owns the socket's path; a file left there is from a dead owner.
  removeQuietly(socket)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socket, () => {
      server.off('error', reject)
      resolve()
    })
  })
  chmodSync(socket, 0o600)
  return {
    socket,
    secret,
    close: async () => {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        }),
      )
      removeQuietly(socket)
    },
  }
}

async function serve(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  context: { secret: string; commands: Record<string, ControlCommand>; logger: Logger },
): Promise<void> {
  const name = decodeURIComponent((request.url ?? '').replace(/^\/commands\//, ''))
  const command = Object.hasOwn(context.commands, name) ? context.commands[name] : undefined
  if (request.method !== 'POST' || !authorised(request, context.secret) || !command) {
    request.resume()
    response.writeHead(command ? 403 : 404).end()
    return
  }
  const args = await readArgs(request)
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', trailer: `${EXIT_CODE}, ${ERROR}` })
  let exitCode = 0
  let error: string | undefined
  try {
    context.logger.info({ command: name }, 'running a command for the command line')
    await command(args, (text) => response.write(text))
  } catch (caught) {
    exitCode = caught instanceof CommandError ? caught.exitCode : 1
    error = describeFailure(caught)
    const expected = caught instanceof CommandError || caught instanceof AppError
    if (!expected) context.logger.error({ err: caught, command: name }, 'command failed')
  }
  response.addTrailers({ [EXIT_CODE]: String(exitCode), [ERROR]: encodeURIComponent(error ?? '') })
  response.end()
}

/** One message for a failed command, with the field errors of a refused request. */
export function describeFailure(error: unknown): string {
  if (error instanceof AppError && error.fieldErrors) {
    return `${error.message} ${JSON.stringify(error.fieldErrors)}`
  }
  return error instanceof Error ? error.message : String(error)
}

function authorised(request: http.IncomingMessage, secret: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '')
  const expected = Buffer.from(`Bearer ${secret}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

async function readArgs(request: http.IncomingMessage): Promise<string[]> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]')
  return Array.isArray(parsed) ? parsed.map(String) : []
}

/** Runs `command` in the process listening at `address`, writing its output to `out` as it comes. */
export async function runRemote(
  address: ControlAddress,
  command: string,
  args: string[],
  out: (text: string) => void,
): Promise<RemoteOutcome> {
  return new Promise<RemoteOutcome>((resolve, reject) => {
    const request = http.request(
      {
        socketPath: address.socket,
        agent: false,
        method: 'POST',
        path: `/commands/${encodeURIComponent(command)}`,
        headers: { authorization: `Bearer ${address.secret}`, 'content-type': 'application/json' },
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume()
          reject(new Error(`The server refused the command "${command}" (HTTP ${response.statusCode}).`))
          return
        }
        response.setEncoding('utf8')
        response.on('data', (text: string) => {
          out(text)
        })
        response.on('end', () => {
          const error = decodeURIComponent(response.trailers[ERROR] ?? '')
          resolve({ exitCode: Number(response.trailers[EXIT_CODE] ?? 1), error: error || undefined })
        })
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(JSON.stringify(args))
  })
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error
  }
}
