import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import type { Redis } from 'ioredis'
import { redisFallback } from '../cache/redis.ts'
import { sharedRateLimitStore } from './rate-limit-store.ts'
import type { Config } from '../../config.ts'
import type { Logger } from '../telemetry/logger.ts'
import type { Metrics } from '../telemetry/metrics.ts'
import type { ErrorReports } from '../telemetry/error-reports.ts'
import { nameRequestSpan, tracingActive } from '../telemetry/tracing.ts'
import { AppError, invalidFields } from '../errors.ts'
import { builtConsole, type ConsoleShell } from './console.ts'
import { closeConnectionsWhenDraining } from './drain.ts'
import { errorHandler } from './error-handler.ts'
import { isGuard, requiresBearer } from './guards.ts'
import { problem, sendProblem } from './problem.ts'
import { ProblemSchema } from './schemas.ts'
import { assertNestingWithinLimit, nullCharacterErrors, validatorCompiler } from './validation.ts'

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface OpenApiTag {
  name: string
  description: string
}

export interface HttpServerOptions {
  config: Config
  logger: Logger
  /** Shared store for rate limits across replicas; in-process when absent. */
  redis?: Redis | undefined
  tags: OpenApiTag[]
  /** Times every request by its route template. */
  metrics?: Pick<Metrics, 'observeRequest'>
  /** Told of the errors answered with a 500 (never of 4xx). */
  errorReports?: Pick<ErrorReports, 'requestFailed'>
  /** The built console to serve at `/` (default: web/dist when it has been built); false: none. */
  consoleDir?: string | false
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

/** One line per request, on completion: two lines per request halve the throughput. */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    _error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const path = request.url.split('?', 1)[0]
    reply.log.info(
      { method: request.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    )
  }

  override routeNotFound(): void {}
}

/**
 * A Fastify instance with the API's conventions: request ids, one error shape, 404/405, strict
 * validation, security headers, CORS, rate limiting, OpenAPI at /openapi.json and docs at /docs.
 * Modules register their routes on it afterwards.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<App> {
  const { config } = options
  const loggerInstance: FastifyBaseLogger = options.logger
  const app = Fastify({
    loggerInstance,
    logController: new OneLinePerRequest(),
    bodyLimit: config.bodyLimitBytes,
    ...slowClientLimits(config),
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (raw) => {
      const given = raw.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req-${randomUUID()}`
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A stop drains first (drain.ts): requests still arriving on open connections are served.
    return503OnClosing: false,
    // URLs the router cannot read (a bad escape, an overlong parameter) get the API's error shape too;
    // no hook runs for them, so the request id is set here.
    frameworkErrors: (error, request, reply) => {
      // The reply is sent here; awaiting it would only wait for the client.
      void errorHandler(error, request, reply.header('x-request-id', request.id))
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(reportingUnexpected(options.errorReports))
  // JSON only: a text/plain body is a 415, not a string that then fails validation.
  app.removeContentTypeParser('text/plain')
  app.decorateRequest('actor', null)

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  closeConnectionsWhenDraining(app)
  if (tracingActive()) {
    app.addHook('onRequest', async (request) => {
      // The template, not the path: a span name per id would make every request its own operation.
      if (request.routeOptions.url !== undefined) nameRequestSpan(request.method, request.routeOptions.url)
    })
  }
  const { metrics } = options
  if (metrics) {
    // A callback hook, not an async one: no promise per request for a synchronous update.
    app.addHook('onResponse', (request, reply, done) => {
      // The route's template, never the path: ids in labels would make a series per id.
      const route = request.routeOptions.url ?? 'unmatched'
      metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
  }
  app.addHook('preValidation', async (request) => {
    // First of all: every later step walks these values, and some of them recursively.
    const body = Buffer.isBuffer(request.body) ? undefined : request.body
    assertNestingWithinLimit(body, request.query)
    // API convention: an empty query parameter (`?status=`) means "not given".
    const query = request.query as Record<string, unknown> | undefined
    if (query && typeof query === 'object') {
      for (const [key, value] of Object.entries(query)) if (value === '') Reflect.deleteProperty(query, key)
    }
    // No text column can hold U+0000: refused here, for every route, rather than by the database.
    const nulls = { ...nullCharacterErrors(request.params), ...nullCharacterErrors(request.query) }
    Object.assign(nulls, nullCharacterErrors(body))
    if (Object.keys(nulls).length > 0) throw invalidFields(nulls)
  })

  const pages: { shell?: ConsoleShell | undefined } = {}
  registerNotFoundAndMethodNotAllowed(app, pages)
  documentErrorsAndSecurity(app)

  await app.register(helmet, {
    // The interactive docs page needs its own scripts and styles; the console shows photos picked
    // on the device (blob:) and images from the storage (S3 when configured) before and after upload.
    contentSecurityPolicy: {
      directives: {
        'img-src': ["'self'", 'data:', 'blob:', 'validator.swagger.io', ...imageOrigins(config)],
        // TLS is the proxy's to enforce (HSTS is sent); upgrading would break a console opened over plain http.
        'upgrade-insecure-requests': null,
      },
    },
  })
  const built = options.consoleDir === false ? undefined : await builtConsole(options.consoleDir)
  if (built) {
    await app.register(built.files)
    pages.shell = built.shell
  }
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'location', 'idempotent-replayed'],
      maxAge: 600,
    })
  }
  await app.register(rateLimit, {
    global: false,
    ...(options.redis
      ? {
          store: sharedRateLimitStore(
            options.redis,
            `${config.redisPrefix}rate-limit:`,
            redisFallback(
              options.logger,
              'rate limits',
              'rate limits are counted per process until it returns',
            ),
          ),
        }
      : {}),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `Too many requests; try again in ${context.after}.`,
    }),
  })
  // After the rate limiter, whose per-route hook then still runs before the guards.
  runGuardsFirst(app)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bureau API',
        version: '0.1.0',
        description:
          'Back-office API: accounts and roles, companies, supplier payments and anticipations, complaints and refunds, hotel bookings. Errors use application/problem+json (RFC 9457).',
      },
      servers: [{ url: config.publicUrl }],
      tags: options.tags,
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, logLevel: 'warn' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}

/** The error handler, telling `reports` of the errors no rule expected: those answered with a 5xx. */
function reportingUnexpected(reports: HttpServerOptions['errorReports']): typeof errorHandler {
  if (!reports) return errorHandler
  return (error, request, reply) => {
    const sent = errorHandler(error, request, reply)
    if (reply.statusCode >= 500 && !(error instanceof AppError)) {
      reports.requestFailed(error, {
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url,
        userId: request.actor?.userId,
      })
    }
    return sent
  }
}

/**
 * A client that sends its request slowly holds a connection, and a file descriptor, for as long as
 * it likes unless time limits cut it off: a few hundred such clients (slowloris) exhaust a server.
 * Node checks the head and request limits on a timer, every second here instead of every 30.
 */
function slowClientLimits({ http }: Config) {
  return {
    http: {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // A connection silent this long is dead: its socket is destroyed.
    connectionTimeout: http.requestTimeoutMs,
  }
}

/**
 * Unknown paths → 404 and known paths with another method → 405 (with `Allow`), both as problems.
 * Fastify answers 404 for both, so a second router that mirrors every route tells them apart.
 */
function registerNotFoundAndMethodNotAllowed(app: App, pages: { shell?: ConsoleShell | undefined }): void {
  const known = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 200 })
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (!known.hasRoute(method as HTTPMethod, route.url))
        known.on(method as HTTPMethod, route.url, () => undefined)
    }
  })
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/'
    if (pages.shell?.serves(request)) return pages.shell.send(reply)
    const allowed = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter(
      (method) => known.find(method as HTTPMethod, path) !== null,
    )
    // CORS answers OPTIONS on every path; that alone does not make a path known.
    if (allowed.some((method) => method !== 'OPTIONS')) {
      reply.header('allow', allowed.join(', '))
      return sendProblem(
        reply,
        problem(request, 405, 'method_not_allowed', `Method ${request.method} is not allowed on ${path}.`),
      )
    }
    const detail =
      path === '/' && !pages.shell
        ? 'The console has not been built: run `node web/tools/build.ts` (`npm start` does it), then reload.'
        : `No route ${request.method} ${path}.`
    return sendProblem(reply, problem(request, 404, 'not_found', detail))
  })
}

/** Where stored images come from when they are not served by Bureau itself (S3 or compatible). */
function imageOrigins({ storage }: Config): string[] {
  if (storage.driver !== 's3') return []
  if (storage.s3Endpoint) return [new URL(storage.s3Endpoint).origin]
  return [`https://*.s3.${storage.s3Region}.amazonaws.com`, `https://s3.${storage.s3Region}.amazonaws.com`]
}

/** Every documented route lists the problem responses, and the bearer scheme when it authenticates. */
function documentErrorsAndSecurity(app: App): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return
    const hooks = [route.onRequest ?? [], route.preHandler ?? []].flat()
    const schema = route.schema as Record<string, unknown>
    if (hooks.some(requiresBearer)) schema.security = [{ bearerAuth: [] }]
    // Keyed by media type, so the document says what the error handler sends.
    const problemResponse = {
      description: 'RFC 9457 problem details.',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    }
    schema.response = {
      ...(schema.response as object | undefined),
      '4xx': problemResponse,
      '5xx': problemResponse,
    }
  })
}

/**
 * Who is asking is checked before what is asked (401 → 403 → 400, as the API promises): guards a
 * route lists among its preHandlers run as onRequest hooks, before the body is read and validated.
 */
function runGuardsFirst(app: App): void {
  app.addHook('onRoute', (route) => {
    const preHandlers = [route.preHandler ?? []].flat()
    const guards = preHandlers.filter(isGuard)
    if (guards.length === 0) return
    route.onRequest = [...[route.onRequest ?? []].flat(), ...guards]
    route.preHandler = preHandlers.filter((handler) => !isGuard(handler))
  })
}
