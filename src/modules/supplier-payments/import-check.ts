import { csvRecords, CsvSyntaxError } from '../../platform/csv/csv-records.ts'
import { AppError } from '../../platform/errors.ts'
import type { Spool } from '../../platform/spool/spool.ts'
import { formatCents, toCents } from '../../platform/validation/money.ts'
import type { ImportErrors } from './import-errors.ts'
import {
  isColumnPositions,
  isImportRow,
  readHeader,
  readRow,
  type ColumnPositions,
  type ImportRow,
} from './import-rows.ts'
import * as imports from './payment-imports.repository.ts'
import type { PaymentsDb } from './supplier-payments.repository.ts'

export const MAX_IMPORT_ROWS = 100_000
/** Room for 100 000 rows of long references, and no more. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024
/** Rows checked against the database together. */
export const CHECK_BATCH = 1_000

/** What the import asks of the companies module: companies by registration number. */
export interface CompanyLookup {
  idsByRegistrationNumber(numbers: readonly string[]): Promise<Map<string, number>>
}

/** A row to insert: supplier id, due date, value, external reference (a spool's compact record). */
export type FreshRow = [supplierId: number, dueDate: string, value: string, externalRef: string]

/** What a file holds, once every row is checked. */
export interface CheckedFile {
  /** Data rows read (the header left out). */
  rows: number
  /** Rows new to the database (in the spool unless the file had errors). */
  fresh: number
  /** Lines of rows already in the database, skipped. */
  skipped: number[]
}

type ResolvedRow = ImportRow & { supplierId: number }

/** A supplier reference, as an id and as a registration number (either may name none). */
interface SupplierMatch {
  asId?: number
  asRegistration?: number
}

/**
 * Reads a payments file once, as it arrives, and checks every row: on its own, its supplier, its
 * reference against the file's earlier rows (one per supplier) and against the payments already there.
 * Bad rows go to `errors`; the good new ones to `spool` while the file has no error. Only a batch of
 * rows and one key per reference are held, never the file.
 */
export async function checkFile(
  deps: { db: PaymentsDb; companies: CompanyLookup },
  file: AsyncIterable<Uint8Array | string>,
  context: { today: string; errors: ImportErrors; spool?: Spool<FreshRow> },
): Promise<CheckedFile> {
  const check = new FileCheck(deps, context.errors, context.spool)
  let columns: ColumnPositions | undefined
  let batch: ImportRow[] = []
  try {
    for await (const record of csvRecords(file, { maxBytes: MAX_IMPORT_BYTES })) {
      if (!columns) {
        const header = readHeader(record.fields)
        if (!isColumnPositions(header)) throw context.errors.add(record.line, header).toError()
        columns = header
        continue
      }
      if (++check.rows > MAX_IMPORT_ROWS) {
        throw new AppError('too_large', 'too_many_rows', `A file holds at most ${MAX_IMPORT_ROWS} payments.`)
      }
      const row = readRow(record.line, record.fields, columns, context.today)
      if (isImportRow(row)) batch.push(row)
      else context.errors.add(record.line, row)
      if (batch.length === CHECK_BATCH) {
        await check.batch(batch)
        batch = []
      }
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error
    throw context.errors.add(error.line, { non_field_errors: [error.message] }).toError()
  }
  if (!columns) {
    throw context.errors
      .add(1, { columns: ['The file is empty: the first line names the columns.'] })
      .toError()
  }
  await check.batch(batch)
  return { rows: check.rows, fresh: check.fresh, skipped: check.skipped.sort((a, b) => a - b) }
}

/** The state of one file's check between batches. */
class FileCheck {
  rows = 0
  fresh = 0
  readonly skipped: number[] = []
  /** The first line of each (supplier, reference) pair. */
  private readonly firstLine = new Map<string, number>()
  private readonly suppliers = new Map<string, SupplierMatch>()

  private readonly deps: { db: PaymentsDb; companies: CompanyLookup }
  private readonly errors: ImportErrors
  private readonly spool: Spool<FreshRow> | undefined

  constructor(
    deps: { db: PaymentsDb; companies: CompanyLookup },
    errors: ImportErrors,
    spool: Spool<FreshRow> | undefined,
  ) {
    this.deps = deps
    this.errors = errors
    this.spool = spool
  }

  async batch(rows: ImportRow[]): Promise<void> {
    const resolved = await this.resolveSuppliers(rows)
    const unique = resolved.filter((row) => this.firstInFile(row))
    const existing = await imports.paymentsByExternalRef(this.deps.db, unique)
    const byKey = new Map(
      existing.map((payment) => [key(payment.supplier_id, payment.external_ref), payment]),
    )
    for (const row of unique) {
      const found = byKey.get(key(row.supplierId, row.externalRef))
      if (!found) await this.keep(row)
      else if (found.due_date === row.dueDate && toCents(found.value) === toCents(row.value)) {
        this.skipped.push(row.line)
      } else {
        const value = formatCents(toCents(found.value))
        this.errors.add(row.line, {
          external_ref: [
            `Payment #${found.id} already has this reference, due ${found.due_date} for ${value}.`,
          ],
        })
      }
    }
  }

  private async keep(row: ResolvedRow): Promise<void> {
    this.fresh += 1
    // A file with an error imports nothing: its rows need not be kept.
    if (this.spool && this.errors.size === 0) {
      await this.spool.write([row.supplierId, row.dueDate, row.value, row.externalRef])
    }
  }

  /** False, and an error, for a reference the file already gave for this supplier. */
  private firstInFile(row: ResolvedRow): boolean {
    const k = key(row.supplierId, row.externalRef)
    const earlier = this.firstLine.get(k)
    if (earlier === undefined) {
      this.firstLine.set(k, row.line)
      return true
    }
    this.errors.add(row.line, {
      external_ref: [`Line ${earlier} has the same reference for the same supplier.`],
    })
    return false
  }

  /** Each row's supplier, by id or by its company's registration number; unknown ones are errors. */
  private async resolveSuppliers(rows: ImportRow[]): Promise<ResolvedRow[]> {
    await this.lookUp([...new Set(rows.map((row) => row.supplier))].filter((s) => !this.suppliers.has(s)))
    const resolved: ResolvedRow[] = []
    for (const row of rows) {
      const { asId, asRegistration } = this.suppliers.get(row.supplier) ?? {}
      if (asId !== undefined && asRegistration !== undefined && asId !== asRegistration) {
        this.errors.add(row.line, {
          supplier: ['This is the id of one supplier and the registration number of another.'],
        })
      } else if (asId === undefined && asRegistration === undefined) {
        this.errors.add(row.line, {
          supplier: ['Unknown supplier: no supplier has this id or registration number.'],
        })
      } else resolved.push(Object.assign(row, { supplierId: asId ?? asRegistration ?? 0 }))
    }
    return resolved
  }

  /** Finds the suppliers these references name, and remembers them for the rest of the file. */
  private async lookUp(references: string[]): Promise<void> {
    if (references.length === 0) return
    const ids = references.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0)
    const byId = new Map((await imports.suppliersByIds(this.deps.db, ids)).map((s) => [String(s.id), s.id]))
    const registrations = references.filter((reference) => /^\d{8,14}$/.test(reference))
    const companyIds = await this.deps.companies.idsByRegistrationNumber(registrations)
    const byCompany = new Map(
      (await imports.suppliersByCompanies(this.deps.db, [...companyIds.values()])).map((s) => [
        s.company_id,
        s.id,
      ]),
    )
    for (const reference of references) {
      const company = companyIds.get(reference)
      this.suppliers.set(reference, {
        asId: byId.get(String(Number(reference))),
        asRegistration: company === undefined ? undefined : byCompany.get(company),
      })
    }
  }
}

export function key(supplierId: number, externalRef: string): string {
  return `${supplierId}\u0000${externalRef}`
}
