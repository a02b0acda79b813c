import { randomBytes } from 'node:crypto'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { runCommand } from '../helpers/processes.ts'
import type { Stack } from './stack.ts'

/*
 * What the scale tests do as clients: HTTP requests over real sockets (from a chosen loopback
 * address when the client's IP matters), and accounts made with the CLI an operator uses.
 */

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json(): unknown
}

export interface CallOptions {
  method?: string
  headers?: Record<string, string>
  body?: unknown
  /** The client's address: any 127.x.y.z works on loopback, and nginx passes it on as X-Forwarded-For. */
  localAddress?: string
}

/** One HTTP request; rejects on a reset or any socket error (which the SIGTERM scenario counts). */
export function call(base: string, target: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(target, base)
  const body = options.body === undefined ? undefined : JSON.stringify(options.body)
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (incoming) => {
        let text = ''
        incoming.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        incoming.on('error', reject)
        incoming.on('end', () => {
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          })
        })
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** `call` that insists on `status`; returns the parsed body. */
export async function expectStatus<T>(
  status: number,
  base: string,
  target: string,
  options: CallOptions = {},
): Promise<T> {
  const answer = await call(base, target, options)
  if (answer.status !== status) {
    throw new Error(
      `${options.method ?? 'GET'} ${target}: expected ${status}, got ${answer.status} ${answer.text}`,
    )
  }
  return answer.json() as T
}

export interface Account {
  id: number
  email: string
  password: string
  headers: { authorization: string }
}

export const PASSWORD = 'a-long-scale-password'

/** Creates an account with `node src/main.ts create-user` (as an operator would), then logs in through `base`. */
export async function createAccount(
  stack: Stack,
  roles: string[],
  prefix = roles[0] ?? 'user',
): Promise<Account> {
  const email = `${prefix}-${randomBytes(5).toString('hex')}@example.com`
  const result = await runCommand(
    ['create-user', '--email', email, '--password', PASSWORD, ...roles.flatMap((role) => ['--role', role])],
    { PATH: process.env.PATH, HOME: process.env.HOME, ...stack.env },
  )
  if (result.code !== 0)
    throw new Error(`create-user failed (${result.code}): ${result.stderr}${result.stdout}`)
  const id = Number(/Created user (\d+)/.exec(result.stdout)?.[1])
  const { access } = await expectStatus<{ access: string }>(200, stack.url, '/api/token/', {
    body: { email, password: PASSWORD },
  })
  return { id, email, password: PASSWORD, headers: { authorization: `Bearer ${access}` } }
}

/** A date `days` from today (UTC, the stack's business time zone), as YYYY-MM-DD. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}
