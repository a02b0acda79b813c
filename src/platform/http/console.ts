import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'

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
 * The built console: `files` serves its hashed files under `/assets/` with a year-long immutable
 * cache and the other built files (icons) as they are; `shell` answers every other page a browser
 * asks for with the app's `index.html` (never cached), so `/payments/12` or `/verify-email?token=…`
 * opens the console. The files are the ones built when the server started (restart after a build).
 * Undefined when the console has not been built: the API works without it.
 */
export async function builtConsole(
  dir = CONSOLE_DIR,
): Promise<{ files: FastifyPluginAsync; shell: ConsoleShell } | undefined> {
  const indexFile = join(dir, 'index.html')
  if (!existsSync(indexFile)) return undefined
  const index = await readFile(indexFile)
  const files: FastifyPluginAsync = async (app) => {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      decorateReply: false,
      globIgnore: ['**/index.html', '**/.*'],
      setHeaders: (reply, path) => {
        reply.header('cache-control', cacheControl(dir, path))
      },
    })
  }
  const shell: ConsoleShell = {
    serves(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false
      const path = request.url.split('?', 1)[0] ?? '/'
      if (SERVER_PATHS.test(path)) return false
      // Browsers ask for pages with text/html; API clients (curl's */*) keep getting 404 problems.
      return (request.headers.accept ?? '').includes('text/html')
    },
    send(reply) {
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index)
    },
  }
  return { files, shell }
}

/** Hashed files never change; anything else may change with the next release. */
function cacheControl(dir: string, path: string): string {
  return path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600'
}
