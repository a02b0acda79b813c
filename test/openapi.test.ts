import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import { CONSOLE_DIR } from '../src/platform/http/console.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { fileComplaint, REFUND_IBAN } from './helpers/complaints.ts'

interface Operation {
  summary?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object }> }
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: object }> }>
}

interface OpenApiDocument {
  openapi: string
  tags?: { name: string }[]
  paths: Record<string, Record<string, Operation>>
  components?: { securitySchemes?: Record<string, unknown> }
}

interface DocumentedOperation {
  method: string
  /** The path as documented, with `{param}` placeholders. */
  path: string
  operation: Operation
}

/** Methods that carry a JSON body in this API. */
const BODY_METHODS = ['POST', 'PUT', 'PATCH']

/**
 * Routes that are not API operations: the documentation itself, and wildcard routes, which serve
 * files (the docs' assets, signed file URLs) and are hidden from the document on purpose.
 */
function isUndocumented(path: string): boolean {
  return path === '/openapi.json' || path.startsWith('/docs') || path.includes('*') || CONSOLE_FILES.has(path)
}

/** The built console's files (served at `/` when web/dist exists): pages and assets, not the API. */
const CONSOLE_FILES = new Set(
  existsSync(CONSOLE_DIR)
    ? readdirSync(CONSOLE_DIR, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${relative(CONSOLE_DIR, join(entry.parentPath, entry.name)).split(sep).join('/')}`)
    : [],
)

/** `/api/users/:id/` and `/api/users/{id}` name the same route. */
function canonical(method: string, path: string): string {
  const normalised = path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/+$/, '$1')
  return `${method.toUpperCase()} ${normalised}`
}

/**
 * Every route Fastify serves, read from its route tree (`printRoutes`, one node per line, indented by
 * four characters per level), without HEAD (added for every GET), OPTIONS and undocumented routes.
 */
function servedRoutes(tree: string): string[] {
  const routes = new Set<string>()
  const prefixes: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!match) continue
    const depth = (match[1] ?? '').length / 4
    prefixes.length = depth
    prefixes.push(match[2] ?? '')
    const path = prefixes.join('')
    if (isUndocumented(path)) continue
    for (const method of (match[3] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD' && method !== 'OPTIONS') routes.add(canonical(method, path))
    }
  }
  return [...routes].sort()
}

/** A concrete URL for a documented path: every parameter an id that exists nowhere. */
function urlFor(path: string): string {
  return path.replace(/\{\w+\}/g, '2147483647')
}

describe('the API documentation', () => {
  let t: TestApp
  let document: OpenApiDocument
  let operations: DocumentedOperation[]
  let admin: SignedInUser
  /** Objects that exist, so a route that answers 404 for a missing object gets to its body. */
  let existing: {
    user: number
    company: number
    account: number
    anticipation: number
    payout: number
    complaint: number
  }
  /** A hotel with a room type, for the bookings routes. */
  let hotel: { id: number; room: number }

  /** Makes the admin a supplier of `company` and asks for an anticipation of a new payment. */
  async function anticipationOf(company: number): Promise<number> {
    const post = async (url: string, payload: object) => {
      const response = await t.app.inject({ method: 'POST', url, headers: admin.headers, payload })
      assert.equal(response.statusCode, 201, response.body)
      return response.json<{ id: number }>().id
    }
    const supplier = await post('/api/suppliers', { user: admin.id, company })
    const payment = await post('/api/payments/', { supplier, due_date: '2026-04-01', value: '100.00' })
    return post('/api/anticipations/', { payment, new_due_date: '2026-03-10' })
  }

  /** The path with ids of existing objects (a missing one is answered 404 before the body is read). */
  function existingUrlFor(path: string): string {
    if (path.startsWith('/api/hotels/')) return path.replace('{id}', String(hotel.id))
    if (path.startsWith('/api/rooms/')) return path.replace('{id}', String(hotel.room))
    const byPrefix: [string, number][] = [
      ['/api/users/', existing.user],
      ['/api/anticipations/', existing.anticipation],
      ['/api/payouts/', existing.payout],
      ['/api/complaints/', existing.complaint],
    ]
    const id = byPrefix.find(([prefix]) => path.startsWith(prefix))?.[1] ?? existing.company
    return path.replace('{id}', String(id)).replace('{account_id}', String(existing.account))
  }

  before(async () => {
    t = await buildTestApp()
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' })
    assert.equal(response.statusCode, 200)
    document = response.json<OpenApiDocument>()
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
    )
    admin = await signIn(t, ['admin', 'operator', 'approver'])
    const company = await t.app.inject({
      method: 'POST',
      url: '/api/companies',
      headers: admin.headers,
      payload: {
        legal_name: 'Probe Ltda.',
        registration_number: '99887766',
        email: 'probe@example.com',
        bank_accounts: [{ holder_name: 'Probe', iban: 'DE89370400440532013000', currency: 'EUR' }],
      },
    })
    assert.equal(company.statusCode, 201, company.body)
    const created = company.json<{ id: number; bank_accounts: { id: number }[] }>()
    const anticipation = await anticipationOf(created.id)
    existing = {
      user: admin.id,
      company: created.id,
      account: created.bank_accounts[0]?.id ?? 0,
      anticipation,
      payout: (
        await t.platform.payouts.create(
          t.platform.db,
          {
            purpose: 'early_payment',
            subjectId: anticipation,
            amount: '10.00',
            currency: 'EUR',
            recipient: { holder_name: 'Probe', iban: 'DE89370400440532013000' },
          },
          { system: 'test' },
        )
      ).id,
      complaint: (await fileComplaint(t, await signIn(t, [], { iban: REFUND_IBAN }))).id,
    }
    const post = async (url: string, payload: object) => {
      const response = await t.app.inject({ method: 'POST', url, headers: admin.headers, payload })
      assert.equal(response.statusCode, 201, response.body)
      return response.json<{ id: number }>().id
    }
    const hotelId = await post('/api/hotels', { name: 'Probe Hotel', location: 'Probe' })
    hotel = {
      id: hotelId,
      room: await post(`/api/hotels/${hotelId}/rooms`, { name: 'Probe', price: '1.00', quantity: 1 }),
    }
  })
  after(() => t.close())

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator()
    const result = await validator.validate({ ...document })
    assert.deepEqual(result.errors, undefined)
    assert.equal(result.valid, true)
    assert.equal(validator.version, '3.1')
  })

  it('documents every route the server answers, and no other', () => {
    const documented = operations.map(({ method, path }) => canonical(method, path)).sort()
    assert.deepEqual(documented, servedRoutes(t.app.printRoutes({ commonPrefix: false })))
  })

  it('gives every operation a success response, with a JSON schema unless it has no content', () => {
    // 202 and 204 answers of this API carry no body; redirects carry none either.
    const empty = (status: string) => status === '202' || status === '204' || status.startsWith('3')
    const missing = operations.flatMap(({ method, path, operation }) => {
      const successes = Object.entries(operation.responses ?? {}).filter(([status]) => /^[23]/.test(status))
      const described = successes.every(
        ([status, response]) => empty(status) || response.content?.['application/json']?.schema !== undefined,
      )
      return successes.length > 0 && described ? [] : [`${method} ${path}`]
    })
    assert.deepEqual(missing, [])
  })

  it('gives every operation its problem responses (4XX, 5XX) as application/problem+json', () => {
    const missing = operations.flatMap(({ method, path, operation }) =>
      ['4XX', '5XX']
        .filter(
          (range) =>
            operation.responses?.[range]?.content?.['application/problem+json']?.schema === undefined,
        )
        .map((range) => `${method} ${path} ${range}`),
    )
    assert.deepEqual(missing, [])
  })

  it('gives every operation a summary and a tag the document describes', () => {
    const tags = new Set((document.tags ?? []).map((tag) => tag.name))
    const undescribed = operations
      .filter(
        ({ operation }) =>
          !operation.summary || !operation.tags?.length || !operation.tags.every((tag) => tags.has(tag)),
      )
      .map(({ method, path }) => `${method} ${path}`)
    assert.deepEqual(undescribed, [])
  })

  it('declares bearerAuth on exactly the operations that answer 401 without a token', async () => {
    assert.ok(document.components?.securitySchemes?.bearerAuth, 'the bearerAuth scheme is defined')
    const mismatches: string[] = []
    for (const { method, path, operation } of operations) {
      const response = await t.app.inject({ method: method as 'GET', url: urlFor(path) })
      const requiresToken =
        response.statusCode === 401 && response.json<{ code: string }>().code === 'not_authenticated'
      const declared = operation.security?.some((requirement) => 'bearerAuth' in requirement) ?? false
      if (requiresToken !== declared) {
        mismatches.push(`${method} ${path}: answers ${response.statusCode}, declares bearerAuth: ${declared}`)
      }
    }
    assert.deepEqual(mismatches, [])
  })

  it('declares a required JSON request body on exactly the operations that validate one', async () => {
    const mismatches: string[] = []
    for (const { method, path, operation } of operations.filter(({ method }) =>
      BODY_METHODS.includes(method),
    )) {
      // Not an object: any JSON body schema of this API rejects it as a whole, before the handler runs.
      const response = await t.app.inject({
        method: method as 'POST',
        url: existingUrlFor(path),
        headers: { ...admin.headers, 'content-type': 'application/json' },
        payload: '[]',
      })
      const body = response.json<{ code?: string; errors?: Record<string, string[]> }>()
      const validatesBody = response.statusCode === 400 && body.errors?.non_field_errors !== undefined
      const { requestBody } = operation
      const declared =
        requestBody?.required === true && requestBody.content?.['application/json']?.schema !== undefined
      if (validatesBody !== declared) {
        mismatches.push(
          `${method} ${path}: answers ${response.statusCode}, declares a JSON body: ${declared}`,
        )
      }
    }
    assert.deepEqual(mismatches, [])
  })

  it('is browsable as HTML at /docs', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs' })
    assert.equal(response.statusCode, 200)
    assert.match(String(response.headers['content-type']), /^text\/html/)
    assert.match(response.body, /<html/i)
  })
})
