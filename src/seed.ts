import { createAuthModule } from './modules/auth/index.ts'
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
  {
    email: 'ana@bureau.test',
    password: 'demo-user-pass',
    firstName: 'Ana',
    lastName: 'Souza',
    roles: [],
    iban: 'DE89370400440532013000',
  },
  { email: 'bruno@bureau.test', password: 'demo-user-pass', firstName: 'Bruno', lastName: 'Lima', roles: [] },
]

/** Adds the demo data; running it again changes nothing. */
export async function seedDemoData(platform: Platform): Promise<void> {
  if (platform.config.nodeEnv === 'production') {
    throw new Error('Refusing to seed demo accounts with NODE_ENV=production.')
  }
  const auth = createAuthModule(platform)
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
  process.stdout.write(
    `Demo accounts (email, password, roles):\n${lines.join('\n')}\nLog in with POST ${platform.config.publicUrl}/api/token/\n`,
  )
}
