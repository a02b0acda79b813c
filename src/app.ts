import { createAuditModule } from './modules/audit/index.ts'
import { createAuthModule } from './modules/auth/index.ts'
import { createBillingModule, createPayments } from './modules/billing/index.ts'
import { createBookingsModule } from './modules/bookings/index.ts'
import { createCompaniesModule } from './modules/companies/index.ts'
import { createComplaintsModule } from './modules/complaints/index.ts'
import { createJobsModule } from './modules/jobs/index.ts'
import { createStatisticsModule } from './modules/statistics/index.ts'
import { createEarlyPayments, createPayoutsModule } from './modules/payouts/index.ts'
import {
  createSupplierPaymentsModule,
  type SupplierPaymentsModule,
} from './modules/supplier-payments/index.ts'
import { recordBusinessTimeZone } from './platform/database/business-days.ts'
import { registerHealthRoutes, type ReadinessCheck } from './platform/http/health.ts'
import { createHttpServer, type App } from './platform/http/server.ts'
import { registerFileRoutes } from './platform/storage/index.ts'
import type { Platform } from './platform/platform.ts'

const TAGS = [
  { name: 'platform', description: 'Health and readiness.' },
  {
    name: 'auth',
    description:
      'Accounts, login, single sign-on with OpenID Connect providers, tokens and the caller’s own profile and linked identities.',
  },
  { name: 'users', description: 'Admin management of users and roles.' },
  {
    name: 'companies',
    description: 'Client and supplier companies, their billing details and bank accounts.',
  },
  {
    name: 'supplier-payments',
    description:
      'Suppliers, payments owed to them, early payment at a discount (anticipations), the request log.',
  },
  {
    name: 'bookings',
    description: 'Hotels, their room types and availability by dates; guests’ bookings.',
  },
  {
    name: 'complaints',
    description: 'Complaints with a photo and the refund asked for; approvers approve or reject them.',
  },
  {
    name: 'jobs',
    description: 'Background jobs (emails, payouts, images): failures and retries, for admins.',
  },
  {
    name: 'payouts',
    description:
      'Money sent out (complaint refunds, early payments) through the manual or the Wise provider.',
  },
  {
    name: 'billing',
    description:
      'Card payments of bookings through Stripe (Checkout, signed webhooks, refunds) and the ledger of every movement of money in and out.',
  },
  {
    name: 'statistics',
    description: 'Figures across modules by month, for operators, approvers and admins; JSON or CSV.',
  },
  {
    name: 'audit',
    description: 'Who did what to money, roles and bank accounts: the append-only audit log.',
  },
]

/** Every module, in one visible list. */
export function createModules(platform: Platform) {
  // Supplier payments links users to companies; auth and companies ask it, once it exists.
  const later: { supplierPayments?: SupplierPaymentsModule } = {}
  const auth = createAuthModule(platform, {
    supplierOfUser: async (userId) => later.supplierPayments?.api.supplierOfUser(userId),
  })
  const companies = createCompaniesModule(platform, {
    guards: auth.api.guards,
    membership: { companyOfUser: async (userId) => later.supplierPayments?.api.companyOfUser(userId) },
  })
  const supplierPayments = createSupplierPaymentsModule(platform, {
    guards: auth.api.guards,
    contacts: auth.api,
    companies: companies.api,
    earlyPayments: createEarlyPayments(platform.payouts, companies.api, platform.config.paymentCurrency),
  })
  later.supplierPayments = supplierPayments
  // Bookings ask payments (when STRIPE_SECRET_KEY is set); billing then settles bookings' payments.
  const payments = createPayments(platform, auth.api)
  const bookings = createBookingsModule(platform, {
    guards: auth.api.guards,
    contacts: auth.api,
    payments: payments.forBookings,
  })
  const payouts = createPayoutsModule(platform, { guards: auth.api.guards })
  const billing = createBillingModule(platform, {
    guards: auth.api.guards,
    payments,
    bookings: bookings.api,
    payouts: payouts.api,
  })
  const complaints = createComplaintsModule(platform, { guards: auth.api.guards, people: auth.api })
  const audit = createAuditModule(platform, { guards: auth.api.guards })
  const jobs = createJobsModule(platform, { guards: auth.api.guards })
  const statistics = createStatisticsModule(platform, {
    guards: auth.api.guards,
    supplierOfUser: supplierPayments.api.supplierOfUser,
    sources: {
      payments: supplierPayments.api.stats,
      complaints: complaints.api.stats,
      bookings: bookings.api.stats,
      payouts: payouts.api.stats,
      users: auth.api.stats,
      companies: companies.api.stats,
    },
  })
  return {
    auth,
    companies,
    supplierPayments,
    bookings,
    payouts,
    billing,
    complaints,
    audit,
    jobs,
    statistics,
    all: [auth, companies, supplierPayments, bookings, payouts, billing, complaints, audit, jobs, statistics],
  }
}

export type Modules = ReturnType<typeof createModules>

/** Creates the modules, registers their jobs and prepares the queue (API and workers alike). */
export async function startModules(platform: Platform): Promise<Modules> {
  // The statistics' roll-ups count by business day in the database's triggers, which need the zone.
  await recordBusinessTimeZone(platform.db, platform.config.businessTimezone)
  const modules = createModules(platform)
  platform.jobs.register(modules.all.flatMap((module) => module.jobs))
  await platform.jobs.start()
  return modules
}

/** The HTTP application: platform conventions, then every module's routes (started here if not given). */
export async function buildApp(platform: Platform, started?: Modules): Promise<App> {
  const modules = started ?? (await startModules(platform))
  const app = await createHttpServer({
    config: platform.config,
    logger: platform.logger,
    redis: platform.redis,
    tags: TAGS,
    metrics: platform.metrics,
    errorReports: platform.errorReports,
  })

  registerHealthRoutes(app, readinessChecks(platform))
  if (platform.storage.fileServer) registerFileRoutes(app, platform.storage.fileServer)
  await modules.auth.routes(app)
  await modules.companies.routes(app)
  await modules.supplierPayments.routes(app)
  await modules.bookings.routes(app)
  await modules.payouts.routes(app)
  await modules.billing.routes(app)
  await modules.complaints.routes(app)
  await modules.audit.routes(app)
  await modules.jobs.routes(app)
  await modules.statistics.routes(app)

  await app.ready()
  return app
}

function readinessChecks(platform: Platform): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'database', check: () => platform.database.ping() },
    { name: 'jobs', check: () => platform.jobs.ping() },
  ]
  const { redis } = platform
  if (redis) {
    checks.push({
      name: 'redis',
      degradesOnly: true,
      check: async () => {
        await redis.ping()
      },
    })
  }
  return checks
}
