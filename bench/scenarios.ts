import type { Call, Scenario } from './load.ts'
import { ALL_PAYMENTS, SUPPLIER_AVAILABLE, type Statement } from './list-sql.ts'

export interface Tokens {
  operator: string
  /** Access token by supplier id. */
  suppliers: Map<number, string>
}

export interface ListScenario extends Scenario {
  /** The endpoint's own SQL and the values pgbench gives it. */
  sql: { statements: Statement[]; prelude: string[]; defines: Record<string, string | number> }
  /** Values for EXPLAIN (ANALYZE) of the same statements. */
  explainValues: Record<string, string | number>
}

const PAGE_SIZE = 10
/** The values of the list SQL's parameters other than supplier and today, for a page. */
function pageValues(offset: number): Record<string, string | number> {
  return {
    none: 'none',
    pc: 'PC',
    a: 'A',
    d: 'D',
    branch_limit: offset + PAGE_SIZE,
    limit: PAGE_SIZE,
    offset,
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

function roundRobin<T>(items: T[]): () => T {
  let next = 0
  return () => {
    const item = items[next % items.length]
    next += 1
    if (item === undefined) throw new Error('Round robin over nothing.')
    return item
  }
}

/** The three list requests; the supplier one rotates over every supplier's token. */
export function listScenarios(tokens: Tokens, today: string): ListScenario[] {
  const supplierIds = [...tokens.suppliers.keys()].sort((a, b) => a - b)
  const nextSupplier = roundRobin(supplierIds)
  const operatorCall = (path: string): Call => ({ path, headers: bearer(tokens.operator) })
  const minSupplier = supplierIds[0] ?? 1
  const maxSupplier = supplierIds[supplierIds.length - 1] ?? 1
  return [
    {
      name: 'supplier GET /api/payments/?status=A (page 1)',
      method: 'GET',
      next: () => {
        const supplier = nextSupplier()
        return { path: '/api/payments/?status=A', headers: bearer(tokens.suppliers.get(supplier) ?? '') }
      },
      sql: {
        statements: SUPPLIER_AVAILABLE,
        prelude: [`\\set supplier random(${minSupplier}, ${maxSupplier})`],
        defines: { today, ...pageValues(0) },
      },
      explainValues: { supplier: minSupplier, today, ...pageValues(0) },
    },
    {
      name: 'operator GET /api/payments/ (page 1)',
      method: 'GET',
      next: () => operatorCall('/api/payments/'),
      sql: { statements: ALL_PAYMENTS, prelude: [], defines: pageValues(0) },
      explainValues: pageValues(0),
    },
    {
      name: 'operator GET /api/payments/?page=500',
      method: 'GET',
      next: () => operatorCall('/api/payments/?page=500'),
      sql: { statements: ALL_PAYMENTS, prelude: [], defines: pageValues(499 * PAGE_SIZE) },
      explainValues: pageValues(499 * PAGE_SIZE),
    },
  ]
}

/** The operator's page 500 reached by a cursor: the payments after the 4 990th in list order. */
export function deepCursor(tokens: Tokens, cursor: { due_date: string; id: number }): Scenario {
  const path = `/api/payments/?cursor=${cursor.due_date}_${cursor.id}`
  return {
    name: 'operator GET /api/payments/?cursor= (page 500)',
    method: 'GET',
    next: () => ({ path, headers: bearer(tokens.operator) }),
  }
}

/** One payment by id (random over all of them), as the operator. */
export function paymentById(tokens: Tokens, payments: number): Scenario {
  return {
    name: 'operator GET /api/payments/{id}/',
    method: 'GET',
    next: () => ({
      path: `/api/payments/${1 + Math.floor(Math.random() * payments)}/`,
      headers: bearer(tokens.operator),
    }),
  }
}

/**
 * Suppliers registering payments owed to them, all due in 30 days: `spread`, every supplier in turn;
 * `concentrated`, one supplier only (as one ERP sends a month's invoices at once).
 */
export function createPayment(tokens: Tokens, today: string, shape: 'spread' | 'concentrated'): Scenario {
  const all = [...tokens.suppliers.entries()].sort(([a], [b]) => a - b).map(([, token]) => token)
  const nextToken = roundRobin(shape === 'spread' ? all : all.slice(0, 1))
  const body = JSON.stringify({ due_date: addDays(today, 30), value: '1000.00' })
  return {
    name: `supplier POST /api/payments/ (${shape})`,
    method: 'POST',
    next: () => ({
      path: '/api/payments/',
      headers: { ...bearer(nextToken()), 'content-type': 'application/json' },
      body,
    }),
  }
}

/**
 * Suppliers asking to be paid today: each request takes the next eligible payment (status A) of the
 * pre-selected ones, with the token of the payment's own supplier. `spread`: payments of every
 * supplier and due date; `concentrated`: one supplier's payments, all due on one date.
 */
export function requestAnticipation(
  tokens: Tokens,
  today: string,
  payments: { id: number; supplier_id: number }[],
  shape: 'spread' | 'concentrated',
): Scenario {
  const nextPayment = roundRobin(payments)
  let used = 0
  return {
    name: `supplier POST /api/anticipations/ (${shape})`,
    method: 'POST',
    remaining: () => payments.length - used,
    next: () => {
      used += 1
      const payment = nextPayment()
      return {
        path: '/api/anticipations/',
        headers: {
          ...bearer(tokens.suppliers.get(payment.supplier_id) ?? ''),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ payment: payment.id, new_due_date: today }),
      }
    },
  }
}

/** Login with email and password (argon2id verification: slow on purpose). */
export function logIn(emails: string[], password: string): Scenario {
  const nextEmail = roundRobin(emails)
  return {
    name: 'POST /api/token/ (login)',
    method: 'POST',
    next: () => ({
      path: '/api/token/',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: nextEmail(), password }),
    }),
  }
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}
