import { transaction } from '../../platform/database/transaction.ts'
import { forbidden } from '../../platform/errors.ts'
import { createSpool, type Spool } from '../../platform/spool/spool.ts'
import { formatCents, toCents } from '../../platform/validation/money.ts'
import { checkFile, key, type CompanyLookup, type FreshRow } from './import-check.ts'
import { ImportErrors } from './import-errors.ts'
import * as imports from './payment-imports.repository.ts'
import type { ImportSummaryJob } from './supplier-payments.jobs.ts'
import type { Party, PaymentsContext } from './supplier-payments.context.ts'
import type { PaymentsDb } from './supplier-payments.repository.ts'
import type { ImportReport } from './supplier-payments.schemas.ts'

/** Rows inserted by one statement (the count triggers and the insert guard run once per statement). */
const INSERT_BATCH = 5_000

export { MAX_IMPORT_ROWS, type CompanyLookup } from './import-check.ts'

/**
 * `POST /api/payments/import`: payments from a CSV file (an ERP's export), all or none.
 *
 * Two passes, neither holding the file. The first reads it as it arrives and checks each row on its
 * own, then against the others (one external reference per supplier) and against the payments already
 * there: a row whose reference exists with the same due date and value is skipped (sending a file twice
 * imports it once), with another due date or value it is an error; the new rows go to a temporary file.
 * Any error: a 400 listing every bad row, and nothing written. Otherwise the second pass inserts the new
 * rows from that file in one transaction, which enqueues one summary email per supplier (never one per
 * payment) — so the transaction lasts as long as the inserts, not as long as a slow upload. A dry run
 * reports the same and writes nothing.
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
    const errors = new ImportErrors()
    const spool = options.dryRun ? undefined : await createSpool<FreshRow>()
    try {
      const checked = await checkFile({ db, companies }, file, { today: clock.today(), errors, spool })
      if (errors.size > 0) throw errors.toError()
      const report = {
        dry_run: options.dryRun,
        rows: checked.rows,
        skipped: checked.skipped.length,
        skipped_lines: checked.skipped,
      }
      if (!spool) return { ...report, created: checked.fresh }
      const common = { createdBy: party.actor.userId, today: clock.today(), now: clock.now() }
      const created = await transaction(db, async (tx) => {
        const bySupplier = await insertAll(tx, spool, common)
        for (const summary of bySupplier.list()) await jobs.send(summaryJob, summary, { executor: tx })
        return bySupplier.payments
      })
      return { ...report, created }
    } finally {
      await spool?.close()
    }
  }
}

/**
 * Inserts the spooled rows in batches; counts per supplier the rows inserted (a reference another
 * import inserted meanwhile is left out).
 */
async function insertAll(
  tx: PaymentsDb,
  spool: Spool<FreshRow>,
  common: { createdBy: number; today: string; now: Date },
): Promise<ImportSummaries> {
  const summaries = new ImportSummaries()
  let batch: imports.ImportedPayment[] = []
  const insert = async () => {
    const inserted = await imports.insertImportedPayments(tx, batch, common)
    const keys = new Set(inserted.map((row) => key(row.supplier_id, row.external_ref)))
    for (const row of batch) if (keys.has(key(row.supplierId, row.externalRef))) summaries.add(row)
    batch = []
  }
  for await (const [supplierId, dueDate, value, externalRef] of spool.read()) {
    batch.push({ supplierId, dueDate, value, externalRef })
    if (batch.length === INSERT_BATCH) await insert()
  }
  await insert()
  return summaries
}

/** Per supplier: how many payments were imported, their total and their first and last due dates. */
class ImportSummaries {
  payments = 0
  private readonly bySupplier = new Map<
    number,
    { payments: number; cents: bigint; first: string; last: string }
  >()

  add(row: imports.ImportedPayment): void {
    this.payments += 1
    const known = this.bySupplier.get(row.supplierId)
    if (!known) {
      const first = row.dueDate
      this.bySupplier.set(row.supplierId, { payments: 1, cents: toCents(row.value), first, last: first })
      return
    }
    known.payments += 1
    known.cents += toCents(row.value)
    if (row.dueDate < known.first) known.first = row.dueDate
    if (row.dueDate > known.last) known.last = row.dueDate
  }

  list() {
    return [...this.bySupplier].map(([supplierId, s]) => ({
      supplierId,
      payments: s.payments,
      total: formatCents(s.cents),
      firstDueDate: s.first,
      lastDueDate: s.last,
    }))
  }
}
