import { Readable } from 'node:stream'
import { formatCents } from '../../platform/validation/money.ts'
import type { MovementKey } from '../../platform/ledger/movements.ts'
import { encodeCursor } from './ledger-cursor.ts'
import {
  keyOf,
  type LedgerFilter,
  type LedgerKind,
  type LedgerRepository,
  type MovementRow,
} from './ledger.repository.ts'
import type { LedgerSummary, Movement } from './billing.schemas.ts'

/** Rows read per query while exporting: memory stays flat however long the ledger is. */
const EXPORT_BATCH = 1000

const CSV_HEADER = [
  'at',
  'direction',
  'kind',
  'amount',
  'currency',
  'status',
  'subject_type',
  'subject_id',
  'provider',
  'provider_ref',
]

export function createLedgerService(repository: LedgerRepository) {
  /**
   * One page (by offset, or after `filter.after`), the count of the whole filter, and the cursor of
   * the movements after the page: null when none is left (one row more is read to know).
   */
  async function list(filter: LedgerFilter, page: { limit: number; offset: number }) {
    const { count, rows } = await repository.page(filter, { limit: page.limit + 1, offset: page.offset })
    const shown = rows.slice(0, page.limit)
    const last = shown.at(-1)
    const nextCursor = rows.length > page.limit && last ? encodeCursor(keyOf(last)) : null
    return { count, results: shown.map(toMovement), nextCursor }
  }

  /**
   * Every matching movement as CSV (after `filter.after` when given), newest first, read in batches by
   * keyset (the sort key of the last row sent), so the export streams at constant memory and never
   * reads the same rows twice.
   */
  function exportCsv(filter: LedgerFilter): Readable {
    async function* lines() {
      yield `${CSV_HEADER.join(',')}\r\n`
      let cursor: MovementKey | undefined
      for (;;) {
        const rows = await repository.batch(filter, EXPORT_BATCH, cursor)
        if (rows.length > 0) yield rows.map((row) => `${csvLine(toMovement(row))}\r\n`).join('')
        const last = rows.at(-1)
        if (!last || rows.length < EXPORT_BATCH) return
        cursor = keyOf(last)
      }
    }
    return Readable.from(lines())
  }

  /** Settled totals by kind and currency, and per currency the money in, out and the net. */
  async function summary(filter: LedgerFilter): Promise<LedgerSummary> {
    const rows = await repository.totals(filter)
    const net = new Map<string, { in: bigint; out: bigint }>()
    for (const row of rows) {
      const entry = net.get(row.currency) ?? { in: 0n, out: 0n }
      entry[row.direction] += BigInt(row.total_cents)
      net.set(row.currency, entry)
    }
    return {
      from: filter.from ?? null,
      to: filter.to ?? null,
      totals: rows.map((row) => ({
        kind: row.kind,
        direction: row.direction,
        currency: row.currency,
        count: row.count,
        total: formatCents(BigInt(row.total_cents)),
      })),
      net: [...net].map(([currency, sums]) => ({
        currency,
        in: formatCents(sums.in),
        out: formatCents(sums.out),
        net: formatCents(sums.in - sums.out),
      })),
    }
  }

  return { list, exportCsv, summary }
}

export type LedgerService = ReturnType<typeof createLedgerService>

function toMovement(row: MovementRow): Movement {
  return {
    at: row.at.toISOString(),
    direction: row.direction,
    kind: row.kind satisfies LedgerKind,
    amount: formatCents(BigInt(row.amount_cents)),
    currency: row.currency,
    status: row.status,
    subject: { type: row.subject_type, id: row.subject_id },
    provider: row.provider,
    provider_ref: row.provider_ref,
  }
}

function csvLine(movement: Movement): string {
  return [
    movement.at,
    movement.direction,
    movement.kind,
    movement.amount,
    movement.currency,
    movement.status,
    movement.subject.type,
    String(movement.subject.id),
    movement.provider,
    movement.provider_ref ?? '',
  ]
    .map(csvField)
    .join(',')
}

/** Quotes a field that holds a separator, a quote or a line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}
