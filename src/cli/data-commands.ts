import { parseArgs } from 'node:util'
import type { Modules } from '../app.ts'
import { migrateDown, migrateToLatest } from '../platform/database/migrations.ts'
import { CommandError, type ControlCommand } from '../platform/control/control.ts'
import { ROLES, type Role } from '../platform/http/actor.ts'
import type { Platform } from '../platform/platform.ts'
import { seedDemoData } from '../seed.ts'

/**
 * The commands that change the data: the same code runs in a one-off process that opened the
 * database itself, and in a running server that holds the embedded database and runs them on a
 * command line's behalf (see platform/control). They write to `out`, never to the process's stdout.
 */
export type DataCommandName = 'seed' | 'create-user' | 'migrate'

export const DATA_COMMANDS: readonly DataCommandName[] = ['seed', 'create-user', 'migrate']

export function isDataCommand(name: string): name is DataCommandName {
  return (DATA_COMMANDS as readonly string[]).includes(name)
}

/** `modules` is asked only by the commands that use them (`migrate` runs without). */
export function dataCommands(
  platform: Platform,
  modules: () => Modules,
): Record<DataCommandName, ControlCommand> {
  return {
    seed: (_args, out) => seedDemoData(platform, modules(), out),
    'create-user': (args, out) => createUser(modules(), args, out),
    migrate: (args, out) => migrate(platform, args, out),
  }
}

/**
 * A command that a server holding the embedded database must not run for the command line: reverting
 * a migration under a server that uses it would break every request.
 */
export function refusedWhileServing(name: DataCommandName, args: string[]): string | undefined {
  if (name === 'migrate' && args[0] === 'down') return 'npm run migrate:down'
  return undefined
}

async function migrate(platform: Platform, args: string[], out: (text: string) => void): Promise<void> {
  const direction = args[0] ?? 'up'
  if (direction !== 'up' && direction !== 'down') {
    throw new CommandError(`migrate takes "up" or "down", not "${direction}".`)
  }
  const report = direction === 'up' ? await migrateToLatest(platform.db) : await migrateDown(platform.db)
  out(
    report.applied.length > 0
      ? `${report.applied.join('\n')}\n`
      : 'Nothing to migrate; the database is up to date.\n',
  )
}

async function createUser(
  modules: Pick<Modules, 'auth'>,
  args: string[],
  out: (text: string) => void,
): Promise<void> {
  const values = parseCreateUser(args)
  const user = await modules.auth.api.createAccount({
    email: values.email,
    password: values.password,
    firstName: values.firstName,
    lastName: values.lastName,
    roles: values.roles,
    emailVerified: true,
  })
  out(`Created user ${user.id} <${user.email}> with roles: ${user.roles.join(', ') || '(none)'}\n`)
}

/** Checks create-user's arguments; run before anything is opened, so a typo touches nothing. */
export function parseCreateUser(args: string[]): {
  email: string
  password: string
  firstName: string
  lastName: string
  roles: Role[]
} {
  let values
  try {
    ;({ values } = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string', multiple: true, default: [] },
        'first-name': { type: 'string', default: 'Admin' },
        'last-name': { type: 'string', default: 'User' },
      },
    }))
  } catch (error) {
    throw new CommandError(error instanceof Error ? error.message : String(error))
  }
  if (!values.email || !values.password) throw new CommandError('create-user needs --email and --password.')
  const unknownRoles = values.role.filter((role) => !ROLES.includes(role as Role))
  if (unknownRoles.length > 0) {
    throw new CommandError(`Unknown role(s): ${unknownRoles.join(', ')}. Roles: ${ROLES.join(', ')}.`)
  }
  return {
    email: values.email,
    password: values.password,
    firstName: values['first-name'],
    lastName: values['last-name'],
    roles: values.role as Role[],
  }
}
