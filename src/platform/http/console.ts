import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from './server.ts'

/** Where `node web/tools/build.ts` writes the console (and `npm start` runs it first). */
export const CONSOLE_DIR = join(import.meta.dirname, '..', '..', '..', 'web', 'dist')

/** Paths that belong to the API, never to the console's client-side routes. */
const SERVER_PATHS = /^\/(api|docs|openapi\.json|health|ready|metrics|files|assets)(\/|$)/

export interface ConsoleShell {
  /** Whether this unmatched request is a page of the console (a browser asking for HTML). */
  serves(request: FastifyRequest): boolean
  send(reply: FastifyReply): FastifyReply
}

/**
 * Serves the built console: its hashed files under `/assets/` with a year-long immutable cache, the
 * other built files (icons) as they are, and the app shell (`index.html`, never cached) for every
 * other page a browser asks for, so `/payments/12` or `/verify-email?token=…` opens the console.
 * Returns undefined when the console has not been built (the API works without it).
 */
export async function registerConsole(app: App, dir = CONSOLE_DIR): Promise<ConsoleShell | undefined> {
  if (!existsSync(join(dir, 'index.html'))) return undefined
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    globIgnore: ['**/index.html', '**/.*'],
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControl(dir, path))
    },
  })
  return {
    serves(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false
      const path = request.url.split('?', 1)[0] ?? '/'
      if (SERVER_PATHS.test(path)) return false
      // Browsers ask for pages with text/html; API clients (curl's */*) keep getting 404 problems.
      return (request.headers.accept ?? '').includes('text/html')
    },
    send(reply) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html')
    },
  }
}

/** Hashed files never change; the shell must be checked every time, so a new release shows at once. */
function cacheControl(dir: string, path: string): string {
  if (path.startsWith(join(dir, 'assets'))) return 'public, max-age=31536000, immutable'
  if (path === join(dir, 'index.html')) return 'no-cache'
  return 'public, max-age=3600'
}
