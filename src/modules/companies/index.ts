import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { bankAccountRoutes } from './bank-accounts.routes.ts'
import type { CompaniesTables } from './companies.repository.ts'
import { companyRoutes } from './companies.routes.ts'
import { countCompanies } from './company-stats.ts'
import {
  createCompaniesService,
  NO_MEMBERSHIP,
  type CompaniesService,
  type CompanyMembership,
} from './companies.service.ts'

export type { CompanyMembership }
export type { BankAccount, Company, NewCompany } from './companies.schemas.ts'

export interface CompaniesModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
  api: {
    createCompany: CompaniesService['createCompany']
    getCompany: CompaniesService['getCompany']
    defaultBankAccount: CompaniesService['defaultBankAccount']
    namesOf: CompaniesService['namesOf']
    idsByRegistrationNumber: CompaniesService['idsByRegistrationNumber']
    stats: {
      /** How many companies there are, for statistics. */
      companies(): Promise<number>
    }
  }
}

export interface CompaniesDependencies {
  guards: Guards
  /** Which company a (supplier) user acts for; supplier payments provides it. */
  membership?: CompanyMembership
}

export function createCompaniesModule(platform: Platform, deps: CompaniesDependencies): CompaniesModule {
  const db = platform.db.$extendTables<CompaniesTables>()
  const companies = createCompaniesService(
    db,
    platform.clock,
    platform.audit,
    deps.membership ?? NO_MEMBERSHIP,
  )
  const ownRoutes = companyRoutes(companies, deps.guards, platform.config.publicUrl)
  const accountRoutes = bankAccountRoutes(companies, deps.guards)
  return {
    routes: async (app) => {
      await ownRoutes(app)
      await accountRoutes(app)
    },
    jobs: [],
    api: {
      createCompany: companies.createCompany,
      getCompany: companies.getCompany,
      defaultBankAccount: companies.defaultBankAccount,
      namesOf: companies.namesOf,
      idsByRegistrationNumber: companies.idsByRegistrationNumber,
      stats: { companies: () => countCompanies(db) },
    },
  }
}
