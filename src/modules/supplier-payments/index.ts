import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { anticipationRoutes } from './anticipations.routes.ts'
import { createPartyGuard } from './party.ts'
import { paymentRoutes } from './payments.routes.ts'
import type { SupplierPaymentsTables } from './supplier-payments.repository.ts'
import {
  foldPaymentCountsJob,
  importSummaryJob,
  notifySupplierJob,
  type Contacts,
} from './supplier-payments.jobs.ts'
import { createImportPayments, type CompanyLookup } from './import-payments.ts'
import { paymentImportRoutes } from './payment-imports.routes.ts'
import { createSupplierPaymentsService } from './supplier-payments.service.ts'
import { createSuppliersService, type CompanyNames, type SuppliersService } from './suppliers.service.ts'
import { supplierRoutes } from './suppliers.routes.ts'
import { seedSupplierPayments, type DemoSupplier } from './supplier-payments.seed.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { EarlyPayments } from './early-payments.ts'
import { optionalCents } from '../../platform/validation/money.ts'
import {
  countSuppliers,
  payablesByMonth,
  pendingAnticipations,
  type PayablesFigures,
} from './payment-stats.ts'

export type { EarlyPaymentDestination, EarlyPayments } from './early-payments.ts'
export type { PayablesFigures }
export { PAYMENT_STATUSES } from './anticipation-rules.ts'

/** Figures for statistics, from this module's own tables. */
export interface PaymentStats {
  /** Payables by month of due date and derived status (today's), all suppliers' or one's. */
  payablesByMonth(range: { from: string; to: string }, supplierId?: number): Promise<PayablesFigures[]>
  /** Anticipations waiting for a decision (PC). */
  pendingAnticipations(): Promise<number>
  suppliers(): Promise<number>
}

export interface SupplierPaymentsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
  api: {
    /** The supplier a user acts for, if any. */
    supplierOfUser: SuppliersService['supplierOfUser']
    /** The company of the supplier a user acts for, if any. */
    companyOfUser: SuppliersService['companyOfUser']
    /**
     * Demo suppliers with payments and anticipations in every state (`npm run seed`): `registrar`
     * links the suppliers and registers the payments, `decider` decides (never the same person).
     */
    seedDemo(staff: { registrar: Actor; decider: Actor }, demo: DemoSupplier[]): Promise<number>
    stats: PaymentStats
  }
}

export interface SupplierPaymentsDependencies {
  guards: Guards
  contacts: Contacts
  companies: CompanyNames & CompanyLookup
  /** Pays approved anticipations (the payouts service); without it, approvals pay nothing. */
  earlyPayments?: EarlyPayments
}

export function createSupplierPaymentsModule(
  platform: Platform,
  deps: SupplierPaymentsDependencies,
): SupplierPaymentsModule {
  const { config } = platform
  const db = platform.db.$extendTables<SupplierPaymentsTables>()
  const suppliers = createSuppliersService(db, platform.clock, platform.audit, deps.contacts, deps.companies)
  const notifyJob = notifySupplierJob(db, platform.emails, deps.contacts, config.paymentCurrency)
  const payments = createSupplierPaymentsService(
    db,
    { clock: platform.clock, jobs: platform.jobs, audit: platform.audit, approvals: platform.approvals },
    notifyJob,
    {
      monthlyRate: config.anticipationMonthlyRate,
      earlyPayments: deps.earlyPayments,
      approvalThreshold: optionalCents(config.approvalThresholds.earlyPayment),
    },
  )
  const summaryJob = importSummaryJob(db, platform.emails, deps.contacts, config.paymentCurrency)
  const importPayments = createImportPayments(
    { db, clock: platform.clock, jobs: platform.jobs },
    deps.companies,
    summaryJob,
  )
  const party = createPartyGuard(suppliers)
  const routes = [
    supplierRoutes(suppliers, deps.guards, config.publicUrl),
    paymentImportRoutes(importPayments, deps.guards, party),
    paymentRoutes(payments, deps.guards, party, platform.idempotency, config.publicUrl),
    anticipationRoutes(payments, deps.guards, party, platform.idempotency, config.publicUrl),
  ]
  return {
    routes: async (app) => {
      for (const register of routes) await register(app)
    },
    jobs: [notifyJob, summaryJob, foldPaymentCountsJob(db)],
    api: {
      supplierOfUser: suppliers.supplierOfUser,
      companyOfUser: suppliers.companyOfUser,
      seedDemo: (staff, demo) =>
        seedSupplierPayments(suppliers, payments, staff, demo, platform.clock.today()),
      stats: {
        payablesByMonth: (range, supplierId) =>
          payablesByMonth(db, { ...range, today: platform.clock.today() }, supplierId),
        pendingAnticipations: () => pendingAnticipations(db),
        suppliers: () => countSuppliers(db),
      },
    },
  }
}
