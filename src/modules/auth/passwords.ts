import { hash, verify } from '@node-rs/argon2'

/** argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); hashed off the event loop by the native addon. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    // A malformed stored hash never matches.
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Verifies against a throwaway hash, so a login for an unknown email costs what a real one costs and
 * response times do not reveal which accounts exist.
 */
export async function spendPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('bureau-timing-equaliser')
  await verifyPassword(await dummyHash, password)
}

/** The rules a new password must meet, beyond its length (checked by the schema). */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = []
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.')
  const lowered = password.toLowerCase()
  const address = email.toLowerCase()
  if (lowered === address || lowered === address.split('@')[0]) {
    problems.push('The password is too similar to the email address.')
  }
  return problems
}
