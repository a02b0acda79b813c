import type { BillingConfig } from '../../config-billing.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Emails } from '../../platform/email/email-job.ts'
import type { Jobs } from '../../platform/jobs/jobs.ts'
import type { StripeGateway } from '../../platform/stripe/stripe.ts'
import type { Logger } from '../../platform/telemetry/logger.ts'
import type { BillingDb } from './billing.repository.ts'

/** What the billing module's use cases share. */
export interface BillingContext {
  db: BillingDb
  clock: Clock
  jobs: Jobs
  emails: Emails
  logger: Logger
  settings: BillingConfig
  /** Base of the pages guests come back to from Stripe's (APP_URL). */
  appUrl: string
  /** Undefined when STRIPE_SECRET_KEY is not set: bookings are then confirmed without payment. */
  stripe: StripeGateway | undefined
  contacts: { contactOf(userId: number): Promise<{ email: string; first_name: string } | undefined> }
}

/** The gateway, when billing is on; jobs of billing only exist then. */
export function stripeOf(context: BillingContext): StripeGateway {
  if (!context.stripe) throw new Error('Stripe is not configured (STRIPE_SECRET_KEY).')
  return context.stripe
}
