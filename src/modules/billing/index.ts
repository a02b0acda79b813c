import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { createStripeGateway } from '../../platform/stripe/stripe.ts'
import type { BookingPayments } from '../bookings/index.ts'
import type { BillingContext } from './billing.context.ts'
import type { BillingTables } from './billing.repository.ts'
import { billingRoutes } from './billing.routes.ts'
import { createBookingPayments, type BookingPaymentsOfBilling } from './booking-payments.ts'
import { foldDayTotalsJob } from '../../platform/ledger/day-totals-fold.ts'
import type { LedgerSource } from '../../platform/ledger/movements.ts'
import { createLedgerRepository } from './ledger.repository.ts'
import { createLedgerService } from './ledger.service.ts'
import { createHoldExpiry } from './payment-holds.ts'
import { createRefunds, type Refunds } from './refunds.ts'
import { createStripeEvents, type BookingOutcomes } from './stripe-events.ts'

export type { BillingTables }
// The ledger's SQL as this module writes it, and its cursors: for the bench's EXPLAIN and deep pages.
export { createLedgerRepository } from './ledger.repository.ts'
export { decodeCursor, encodeCursor } from './ledger-cursor.ts'

/** How guests pay bookings; created before the bookings module, which asks it. */
export interface Payments {
  /** Undefined when STRIPE_SECRET_KEY is not set: bookings are confirmed without payment. */
  forBookings: BookingPayments | undefined
  context: BillingContext
  parts: { payments: BookingPaymentsOfBilling; refunds: Refunds } | undefined
}

export function createPayments(platform: Platform, contacts: BillingContext['contacts']): Payments {
  const context: BillingContext = {
    db: platform.db.$extendTables<BillingTables>(),
    clock: platform.clock,
    jobs: platform.jobs,
    emails: platform.emails,
    logger: platform.logger,
    settings: platform.config.billing,
    appUrl: platform.config.appUrl,
    stripe: createStripeGateway(platform.config.billing),
    contacts,
  }
  if (!context.stripe) return { forBookings: undefined, context, parts: undefined }
  const refunds = createRefunds(context)
  const payments = createBookingPayments(context, refunds)
  return { forBookings: payments.payments, context, parts: { payments, refunds } }
}

export interface BillingModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
}

export interface BillingDependencies {
  guards: Guards
  payments: Payments
  bookings: BookingOutcomes
  /** The payouts module's movements and their day totals, for the ledger. */
  payouts: { ledger: LedgerSource }
}

/** Card payments of bookings through Stripe, their refunds, and the ledger of every movement. */
export function createBillingModule(platform: Platform, deps: BillingDependencies): BillingModule {
  const { context, parts } = deps.payments
  const ledger = createLedgerService(createLedgerRepository(context.db, deps.payouts.ledger))
  const events = parts && createStripeEvents(context, deps.bookings, parts.payments, parts.refunds)
  const holds = parts && createHoldExpiry(context, deps.bookings, parts.payments)
  return {
    routes: billingRoutes({
      db: context.db,
      ledger,
      guards: deps.guards,
      publicUrl: platform.config.publicUrl,
      timeZone: platform.config.businessTimezone,
      receiveEvent: events?.receive,
    }),
    jobs: [
      foldDayTotalsJob('billing.fold-day-totals', context.db, 'billing_day_totals'),
      ...(parts
        ? [...parts.refunds.jobs, ...parts.payments.jobs, ...(events?.jobs ?? []), ...(holds?.jobs ?? [])]
        : []),
    ],
  }
}
