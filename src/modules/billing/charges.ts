import { invalid } from '../../platform/errors.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { formatCents } from '../../platform/validation/money.ts'
import {
  CHARGE_STATUSES,
  listCharges,
  type BillingDb,
  type ChargeRow,
  type ChargeStatus,
} from './billing.repository.ts'
import type { Charge } from './billing.schemas.ts'

/** Charges of bookings, newest first, optionally in one status. */
export async function chargesPage(
  db: BillingDb,
  status: string | undefined,
  page: PageRequest,
): Promise<{ count: number; results: Charge[] }> {
  if (status !== undefined && !(CHARGE_STATUSES as readonly string[]).includes(status)) {
    throw invalid('status', `Select a valid choice: ${CHARGE_STATUSES.join(', ')}.`)
  }
  const { count, rows } = await listCharges(db, status as ChargeStatus | undefined, page)
  return { count, results: rows.map(toCharge) }
}

function toCharge(row: ChargeRow): Charge {
  return {
    id: row.id,
    booking_id: row.booking_id,
    amount: formatCents(BigInt(row.amount_cents)),
    currency: row.currency,
    status: row.status,
    provider_ref: row.payment_intent_id ?? row.checkout_session_id,
    created_at: row.created_at.toISOString(),
  }
}
