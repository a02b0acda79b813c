import { approvalsRequired, type Approvals } from '../../platform/approvals/index.ts'
import type { Audit } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { Jobs } from '../../platform/jobs/jobs.ts'
import { formatMoney, toCents } from '../../platform/validation/money.ts'
import type { EarlyPayments } from './early-payments.ts'
import type { AnticipationRow, PaymentsDb } from './supplier-payments.repository.ts'
import type { NotifySupplierJob } from './supplier-payments.jobs.ts'
import type { Anticipation } from './supplier-payments.schemas.ts'

/** Who is calling, as far as supplier payments is concerned: an operator, or the user of a supplier. */
export interface Party {
  actor: Actor
  isOperator: boolean
  /** The supplier the caller acts for, if any. */
  supplierId: number | undefined
}

export interface PaymentsSettings {
  monthlyRate: string
  /** Pays approved anticipations; absent, an approval pays nothing by itself. */
  earlyPayments?: EarlyPayments | undefined
  /** Early payments (new value, cents) above this need two operators' approval; undefined: one. */
  approvalThreshold?: bigint | undefined
}

/** What the supplier-payments use cases share. */
export interface PaymentsContext {
  db: PaymentsDb
  clock: Clock
  jobs: Jobs
  notifyJob: NotifySupplierJob
  audit: Audit
  approvals: Approvals
  settings: PaymentsSettings
}

/** Payments a party may see: operators all, suppliers their own; others are 404 (not revealed). */
export function visible(party: Party, supplierId: number): boolean {
  return party.isOperator || party.supplierId === supplierId
}

/** Enqueues the supplier's email in the transaction of the change it reports. */
export async function notifySupplier(
  context: PaymentsContext,
  tx: PaymentsDb,
  event: 'R' | 'A' | 'D',
  anticipationId: number,
): Promise<void> {
  await context.jobs.send(context.notifyJob, { anticipationId, event }, { executor: tx })
}

/** How many operators must approve this anticipation (two above APPROVAL_THRESHOLD_EARLY_PAYMENT). */
export function approvalsRequiredFor(context: PaymentsContext, row: AnticipationRow): 1 | 2 {
  return approvalsRequired(toCents(row.new_value), context.settings.approvalThreshold)
}

/** Anticipations as the API shows them, each with the approvals given so far (one query for all). */
export async function toAnticipations(
  context: PaymentsContext,
  rows: readonly AnticipationRow[],
): Promise<Anticipation[]> {
  const approvals = await context.approvals.listFor(
    context.db,
    'anticipation',
    rows.map((row) => row.id),
  )
  return rows.map((row) => ({
    id: row.id,
    payment: row.payment_id,
    creation_date: row.creation_date,
    new_due_date: row.new_due_date,
    new_value: formatMoney(row.new_value),
    // A calendar date, like creation_date: the day of the last change, in the business time zone.
    update_date: context.clock.dateOf(row.update_date),
    status: row.status,
    approvals: approvals.get(row.id) ?? [],
    approvals_required: approvalsRequiredFor(context, row),
  }))
}

/** The anticipation as the API shows it, with the approvals given so far. */
export async function toAnticipation(context: PaymentsContext, row: AnticipationRow): Promise<Anticipation> {
  const [anticipation] = await toAnticipations(context, [row])
  if (!anticipation) throw new Error('An anticipation was lost while being shown.')
  return anticipation
}
