import type { Actor } from '../../platform/http/actor.ts'
import type { Party, SupplierPaymentsService } from './supplier-payments.service.ts'
import type { SuppliersService } from './suppliers.service.ts'

export interface DemoSupplier {
  userId: number
  companyId: number
}

/** Adds days to a YYYY-MM-DD date. */
function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/**
 * The original system's demo data: each supplier gets three payments, and their anticipations end in
 * every state (pending, approved, denied). Skips suppliers that already exist.
 */
export async function seedSupplierPayments(
  suppliers: SuppliersService,
  payments: SupplierPaymentsService,
  staff: { registrar: Actor; decider: Actor },
  demo: DemoSupplier[],
  today: string,
): Promise<number> {
  // Separation of duties holds for demo data too: whoever registers a payment never decides it.
  const registrar: Party = { actor: staff.registrar, isOperator: true, supplierId: undefined }
  const decider: Party = { actor: staff.decider, isOperator: true, supplierId: undefined }
  let added = 0
  for (const { userId, companyId } of demo) {
    if ((await suppliers.supplierOfUser(userId)) !== undefined) continue
    const supplier = await suppliers.createSupplier(staff.registrar, { user: userId, company: companyId })
    added += 1
    const values = ['1000.00', '2500.50', '780.00']
    const created = []
    for (const [index, value] of values.entries()) {
      created.push(
        await payments.createPayment(registrar, {
          supplier: supplier.id,
          due_date: plusDays(today, 30 + index * 15),
          value,
        }),
      )
    }
    const supplierParty: Party = {
      actor: { userId, roles: [], sessionId: 'seed' },
      isOperator: false,
      supplierId: supplier.id,
    }
    const [pending, approved, denied] = created
    if (!pending || !approved || !denied) continue
    await payments.requestAnticipation(supplierParty, {
      payment: pending.id,
      new_due_date: plusDays(today, 10),
    })
    const toApprove = await payments.requestAnticipation(supplierParty, {
      payment: approved.id,
      new_due_date: plusDays(today, 12),
    })
    await payments.decideAnticipation(decider, toApprove.id, 'A')
    const toDeny = await payments.requestAnticipation(supplierParty, {
      payment: denied.id,
      new_due_date: plusDays(today, 14),
    })
    await payments.decideAnticipation(decider, toDeny.id, 'D')
  }
  return added
}
