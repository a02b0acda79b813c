import { csvRecords, CsvSyntaxError } from '../../platform/csv/csv-records.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { AppError, forbidden, type FieldErrors } from '../../platform/errors.ts'
import { formatCents, toCents } from '../../platform/validation/money.ts'
import {
  isColumnPositions,
  isImportRow,
  readHeader,
  readRow,
  type ColumnPositions,
  type ImportRow,
} from './import-rows.ts'
import * as imports from './payment-imports.repository.ts'
import type { ImportSummaryJob } from './supplier-payments.jobs.ts'
import type { Party, PaymentsContext } from './supplier-payments.context.ts'
import type { PaymentsDb } from './supplier-payments.repository.ts'
import type { ImportReport } from './supplier-payments.schemas.ts'

export const MAX_IMPORT_ROWS = 100_000
/** Room for 100 000 rows of long references, and no more. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024
const BATCH = 5_000

/** What the import asks of the companies module: companies by registration number. */
export interface CompanyLookup {
  idsByRegistrationNumber(numbers: readonly string[]): Promise<Map<string, number>>
}

/** The bad rows of a file so far, by line. */
class RowErrors {
  private readonly byLine = new Map<number, FieldErrors>()

  add(line: number, errors: FieldErrors): void {
    const known = this.byLine.get(line) ?? {}
    for (const [field, messages] of Object.entries(errors)) (known[field] ??= []).push(...messages)
    this.byLine.set(line, known)
  }

  get size(): number {
    return this.byLine.size
  }

  /** One 400 naming every bad row: the key of each message is `line <n>.<field>`. */
  toError(): AppError {
    const errors: FieldErrors = {}
    for (const line of [...this.byLine.keys()].sort((a, b) => a - b)) {
      for (const [field, messages] of Object.entries(this.byLine.get(line) ?? {})) {
        errors[`line ${line}.${field}`] = messages
      }
    }
    const rows = this.byLine.size === 1 ? '1 row has' : `${this.byLine.size} rows have`
    return new AppError('invalid', 'validation_failed', `${rows} errors; nothing was imported.`, {
      fieldErrors: errors,
    })
  }
}

/**
 * `POST /api/payments/import`: payments from a CSV file (an ERP's export), all or none.
 *
 * The file is read as it arrives, row by row; each row is checked on its own, then against the
 * others (one external reference per supplier) and against the payments already there: a row whose
 * reference exists with the same due date and value is skipped (sending a file twice imports it
 * once), with another due date or value it is an error. Any error: a 400 listing every bad row, and
 * nothing written. Otherwise the new payments are inserted in one transaction, with one summary email
 * per supplier enqueued in it (never one per payment). A dry run reports the same and writes nothing.
 */
export function createImportPayments(
  context: Pick<PaymentsContext, 'db' | 'clock' | 'jobs'>,
  companies: CompanyLookup,
  summaryJob: ImportSummaryJob,
) {
  const { db, clock, jobs } = context

  return async function importPayments(
    party: Party,
    file: AsyncIterable<Uint8Array | string>,
    options: { dryRun: boolean },
  ): Promise<ImportReport> {
    if (!party.isOperator) throw forbidden('Only operators import payments.')
    const errors = new RowErrors()
    const rows = await readRows(file, clock.today(), errors)
    const resolved = await resolveSuppliers(rows, errors)
    const unique = uniqueReferences(resolved, errors)
    return transaction(db, async (tx) => {
      const { fresh, skipped } = await againstDatabase(tx, unique, errors)
      if (errors.size > 0) throw errors.toError()
      const report = {
        dry_run: options.dryRun,
        rows: rows.length,
        skipped: skipped.length,
        skipped_lines: skipped,
      }
      if (options.dryRun) return { ...report, created: fresh.length }
      const common = { createdBy: party.actor.userId, today: clock.today(), now: clock.now() }
      const created = await insertAll(tx, fresh, common)
      for (const summary of summaries(created)) await jobs.send(summaryJob, summary, { executor: tx })
      return { ...report, created: created.length }
    })
  }

  /** Every row of the file checked on its own; the bad ones go to `errors`. */
  async function readRows(
    file: AsyncIterable<Uint8Array | string>,
    today: string,
    errors: RowErrors,
  ): Promise<ImportRow[]> {
    const rows: ImportRow[] = []
    // Suppliers and due dates repeat from row to row: one string each, not one per row.
    const strings = new Map<string, string>()
    const shared = (text: string) => {
      const known = strings.get(text)
      if (known !== undefined) return known
      if (strings.size < 10_000) strings.set(text, text)
      return text
    }
    let columns: ColumnPositions | undefined
    try {
      for await (const record of csvRecords(file, { maxBytes: MAX_IMPORT_BYTES })) {
        if (!columns) {
          const header = readHeader(record.fields)
          if (!isColumnPositions(header)) throw invalidHeader(record.line, header)
          columns = header
          continue
        }
        if (rows.length + errors.size >= MAX_IMPORT_ROWS) {
          throw new AppError(
            'too_large',
            'too_many_rows',
            `A file holds at most ${MAX_IMPORT_ROWS} payments.`,
          )
        }
        const row = readRow(record.line, record.fields, columns, today)
        if (!isImportRow(row)) errors.add(record.line, row)
        else {
          row.supplier = shared(row.supplier)
          row.dueDate = shared(row.dueDate)
          rows.push(row)
        }
      }
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error
      errors.add(error.line, { non_field_errors: [error.message] })
      throw errors.toError()
    }
    if (!columns)
      throw invalidHeader(1, { columns: ['The file is empty: the first line names the columns.'] })
    return rows
  }

  /** Each row's supplier, by id or by its company's registration number; unknown ones are errors. */
  async function resolveSuppliers(rows: ImportRow[], errors: RowErrors) {
    const references = [...new Set(rows.map((row) => row.supplier))]
    const ids = references.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0)
    const byId = new Map((await imports.suppliersByIds(db, ids)).map((s) => [String(s.id), s.id]))
    const registrations = references.filter((reference) => /^\d{8,14}$/.test(reference))
    const companyIds = await companies.idsByRegistrationNumber(registrations)
    const byCompany = new Map(
      (await imports.suppliersByCompanies(db, [...companyIds.values()])).map((s) => [s.company_id, s.id]),
    )
    // The rows themselves, each given its supplier: a file of 100 000 rows is not copied.
    const resolved: ResolvedRow[] = []
    for (const row of rows) {
      const company = companyIds.get(row.supplier)
      const asId = byId.get(String(Number(row.supplier)))
      const asRegistration = company === undefined ? undefined : byCompany.get(company)
      if (asId !== undefined && asRegistration !== undefined && asId !== asRegistration) {
        errors.add(row.line, {
          supplier: ['This is the id of one supplier and the registration number of another.'],
        })
      } else if (asId === undefined && asRegistration === undefined) {
        errors.add(row.line, {
          supplier: ['Unknown supplier: no supplier has this id or registration number.'],
        })
      } else resolved.push(Object.assign(row, { supplierId: asId ?? asRegistration ?? 0 }))
    }
    return resolved
  }
}

type ResolvedRow = ImportRow & { supplierId: number }

/**
 * Sorts the rows into those new to the database and those already there (the lines skipped); a
 * reference already there with another due date or value is an error.
 */
async function againstDatabase(tx: PaymentsDb, rows: ResolvedRow[], errors: RowErrors) {
  const fresh: ResolvedRow[] = []
  const skipped: number[] = []
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH)
    const existing = await imports.paymentsByExternalRef(tx, batch)
    const byKey = new Map(
      existing.map((payment) => [key(payment.supplier_id, payment.external_ref), payment]),
    )
    for (const row of batch) {
      const found = byKey.get(key(row.supplierId, row.externalRef))
      if (!found) fresh.push(row)
      else if (found.due_date === row.dueDate && toCents(found.value) === toCents(row.value))
        skipped.push(row.line)
      else {
        const value = formatCents(toCents(found.value))
        errors.add(row.line, {
          external_ref: [
            `Payment #${found.id} already has this reference, due ${found.due_date} for ${value}.`,
          ],
        })
      }
    }
  }
  return { fresh, skipped: skipped.sort((a, b) => a - b) }
}

/** Inserts in batches; returns the rows inserted (one another import inserted meanwhile is left out). */
async function insertAll(
  tx: PaymentsDb,
  rows: ResolvedRow[],
  common: { createdBy: number; today: string; now: Date },
): Promise<ResolvedRow[]> {
  const created: ResolvedRow[] = []
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH)
    const inserted = await imports.insertImportedPayments(tx, batch, common)
    const keys = new Set(inserted.map((row) => key(row.supplier_id, row.external_ref)))
    created.push(...batch.filter((row) => keys.has(key(row.supplierId, row.externalRef))))
  }
  return created
}

function key(supplierId: number, externalRef: string): string {
  return `${supplierId}\u0000${externalRef}`
}

/** The rows whose reference the file gives once per supplier; a repeated one is an error. */
function uniqueReferences(rows: ResolvedRow[], errors: RowErrors): ResolvedRow[] {
  const first = new Map<string, number>()
  return rows.filter((row) => {
    const k = key(row.supplierId, row.externalRef)
    const earlier = first.get(k)
    if (earlier === undefined) {
      first.set(k, row.line)
      return true
    }
    errors.add(row.line, { external_ref: [`Line ${earlier} has the same reference for the same supplier.`] })
    return false
  })
}

function invalidHeader(line: number, errors: FieldErrors): AppError {
  const rows = new RowErrors()
  rows.add(line, errors)
  return rows.toError()
}

/** Per supplier: how many payments were imported, their total and their first and last due dates. */
function summaries(rows: readonly ResolvedRow[]) {
  const bySupplier = new Map<number, { payments: number; cents: bigint; first: string; last: string }>()
  for (const row of rows) {
    const known = bySupplier.get(row.supplierId)
    if (!known) {
      bySupplier.set(row.supplierId, {
        payments: 1,
        cents: toCents(row.value),
        first: row.dueDate,
        last: row.dueDate,
      })
      continue
    }
    known.payments += 1
    known.cents += toCents(row.value)
    if (row.dueDate < known.first) known.first = row.dueDate
    if (row.dueDate > known.last) known.last = row.dueDate
  }
  return [...bySupplier].map(([supplierId, s]) => ({
    supplierId,
    payments: s.payments,
    total: formatCents(s.cents),
    firstDueDate: s.first,
    lastDueDate: s.last,
  }))
}
