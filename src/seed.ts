import type { Modules } from './app.ts'
import type { NewCompany } from './modules/companies/index.ts'
import { AppError } from './platform/errors.ts'
import type { Role } from './platform/http/actor.ts'
import type { Platform } from './platform/platform.ts'

interface DemoAccount {
  email: string
  password: string
  firstName: string
  lastName: string
  roles: Role[]
  iban?: string
}

/** Demo accounts for trying Bureau; their passwords are printed, so never seed a production database. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    email: 'admin@bureau.test',
    password: 'demo-admin-pass',
    firstName: 'Ada',
    lastName: 'Admin',
    roles: ['admin'],
  },
  {
    email: 'operator@bureau.test',
    password: 'demo-operator-pass',
    firstName: 'Otto',
    lastName: 'Operator',
    roles: ['operator'],
  },
  {
    email: 'approver@bureau.test',
    password: 'demo-approver-pass',
    firstName: 'April',
    lastName: 'Approver',
    roles: ['approver'],
  },
  // A second approver: refunds above APPROVAL_THRESHOLD_COMPLAINT_REFUND need two.
  {
    email: 'approver2@bureau.test',
    password: 'demo-approver2-pass',
    firstName: 'Abel',
    lastName: 'Approver',
    roles: ['approver'],
  },
  {
    email: 'ana@bureau.test',
    password: 'demo-user-pass',
    firstName: 'Ana',
    lastName: 'Souza',
    roles: [],
    iban: 'DE89370400440532013000',
  },
  { email: 'bruno@bureau.test', password: 'demo-user-pass', firstName: 'Bruno', lastName: 'Lima', roles: [] },
  // The original supplier-payments system's demo users.
  {
    email: 'operator01@bureau.test',
    password: 'demo-operator01',
    firstName: 'Operator',
    lastName: '01',
    roles: ['operator'],
  },
  { email: 'user01@bureau.test', password: 'demo-user01', firstName: 'User', lastName: '01', roles: [] },
  { email: 'user02@bureau.test', password: 'demo-user02', firstName: 'User', lastName: '02', roles: [] },
]

/** user01 and user02 act as suppliers for the first two demo companies. */
const DEMO_SUPPLIERS = [
  { email: 'user01@bureau.test', registrationNumber: '11222333000181' },
  { email: 'user02@bureau.test', registrationNumber: '45997418000153' },
]

/**
 * Adds the demo data through the modules' own APIs (so a running server's caches and jobs see it) and
 * writes what it did to `out`; running it again changes nothing.
 */
export async function seedDemoData(
  platform: Platform,
  modules: Pick<Modules, 'auth' | 'companies' | 'supplierPayments' | 'bookings'>,
  out: (text: string) => void,
): Promise<void> {
  if (platform.config.nodeEnv === 'production') {
    throw new Error('Refusing to seed demo accounts with NODE_ENV=production.')
  }
  const { auth, companies, supplierPayments, bookings } = modules
  const lines: string[] = []
  for (const account of DEMO_ACCOUNTS) {
    let status = 'created'
    try {
      await auth.api.createAccount({ ...account, emailVerified: true })
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'email_taken')) throw error
      status = 'already there'
    }
    lines.push(
      `  ${account.email.padEnd(24)} ${account.password.padEnd(20)} ${(account.roles.join(', ') || 'user').padEnd(10)} ${status}`,
    )
  }
  out(
    `Demo accounts (email, password, roles):\n${lines.join('\n')}\nLog in with POST ${platform.config.publicUrl}/api/token/\n`,
  )

  let added = 0
  for (const company of DEMO_COMPANIES) {
    try {
      await companies.api.createCompany({ system: 'seed' }, company)
      added += 1
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'registration_number_taken')) throw error
    }
  }
  out(`Demo companies: ${added} added, ${DEMO_COMPANIES.length - added} already there.\n`)

  // operator01 links the demo suppliers and registers their payments; operator@ decides their
  // anticipations (whoever registers a payment never decides it).
  const registrarId = await auth.api.userIdByEmail('operator01@bureau.test')
  const deciderId = await auth.api.userIdByEmail('operator@bureau.test')
  const companyIds = await companies.api.idsByRegistrationNumber(
    DEMO_SUPPLIERS.map((s) => s.registrationNumber),
  )
  const demo = []
  for (const supplier of DEMO_SUPPLIERS) {
    const userId = await auth.api.userIdByEmail(supplier.email)
    const companyId = companyIds.get(supplier.registrationNumber)
    if (userId !== undefined && companyId !== undefined) demo.push({ userId, companyId })
  }
  if (registrarId === undefined || deciderId === undefined) throw new Error('A demo operator is missing.')
  const suppliers = await supplierPayments.api.seedDemo(
    {
      registrar: { userId: registrarId, roles: ['operator'], sessionId: 'seed' },
      decider: { userId: deciderId, roles: ['operator'], sessionId: 'seed' },
    },
    demo,
  )
  out(`Demo suppliers: ${suppliers} added (user01, user02), with payments and anticipations.\n`)
  const hotels = await bookings.api.seedDemo()
  out(`Demo hotels: ${hotels} added, in Rio de Janeiro, Paraty, São Paulo and Lisbon.\n`)
  // The emails those requests and decisions enqueued go out now (to the outbox by default), and the
  // demo pictures are resized.
  await platform.jobs.drain()
}

export const DEMO_COMPANIES: NewCompany[] = [
  {
    legal_name: 'Acme Comércio de Materiais Ltda.',
    trade_name: 'Acme Materiais',
    registration_number: '11222333000181',
    email: 'financeiro@acme-materiais.com.br',
    phone: '+551130001000',
    website: 'https://acme-materiais.com.br',
    declared_billing: '4800000.00',
    billing_email: 'notas@acme-materiais.com.br',
    billing_address: {
      line1: 'Av. Paulista, 1000',
      line2: 'Sala 101',
      city: 'São Paulo',
      region: 'SP',
      postal_code: '01310-100',
      country: 'BR',
    },
    bank_accounts: [
      {
        holder_name: 'Acme Comércio de Materiais Ltda.',
        bank_code: '341',
        branch: '0001',
        account_number: '12345-6',
        currency: 'BRL',
        country: 'BR',
        is_default: true,
      },
      {
        holder_name: 'Acme Comércio de Materiais Ltda.',
        iban: 'BR1800360305000010009795493C1',
        currency: 'BRL',
      },
    ],
  },
  {
    legal_name: 'Bravo Serviços de Limpeza S.A.',
    trade_name: 'Bravo Limpeza',
    registration_number: '45997418000153',
    email: 'contas@bravolimpeza.com.br',
    declared_billing: '950000.00',
    billing_address: {
      line1: 'Rua da Quitanda, 86',
      city: 'Rio de Janeiro',
      region: 'RJ',
      postal_code: '20091-005',
      country: 'BR',
    },
    bank_accounts: [
      {
        holder_name: 'Bravo Serviços de Limpeza S.A.',
        bank_code: '237',
        branch: '1234',
        account_number: '98765-4',
        currency: 'BRL',
        country: 'BR',
        is_default: true,
      },
    ],
  },
  {
    legal_name: 'Nordlicht Logistik GmbH',
    registration_number: '20230011554',
    email: 'buchhaltung@nordlicht-logistik.de',
    website: 'https://nordlicht-logistik.de',
    billing_address: { line1: 'Speicherstadt 12', city: 'Hamburg', postal_code: '20457', country: 'DE' },
    bank_accounts: [
      {
        holder_name: 'Nordlicht Logistik GmbH',
        iban: 'DE89 3704 0044 0532 0130 00',
        bic: 'COBADEFFXXX',
        currency: 'EUR',
        is_default: true,
      },
    ],
  },
]
