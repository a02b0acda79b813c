/** The rule files under mutation testing, each with the tests that cover it. */
export interface MutationTarget {
  /** The report's name: test-results/mutation/<name>.html. */
  name: string
  file: string
  tests: string[]
  /** Runs only the tests (or suites) whose names match, as node --test --test-name-pattern. */
  testNamePattern?: string
}

export const MUTATION_TARGETS: MutationTarget[] = [
  {
    name: 'anticipation-rules',
    file: 'src/modules/supplier-payments/anticipation-rules.ts',
    tests: ['src/modules/supplier-payments/anticipation-rules.test.ts'],
  },
  {
    name: 'money',
    file: 'src/platform/validation/money.ts',
    tests: ['src/platform/validation/money.test.ts'],
  },
  {
    name: 'availability',
    file: 'src/modules/bookings/availability.ts',
    tests: ['src/modules/bookings/availability.test.ts'],
  },
  {
    name: 'login-throttle',
    file: 'src/modules/auth/login-throttle.ts',
    // The lockout's rules, and the hour the repository remembers failures for (FAILURE_MEMORY_MS).
    tests: ['src/modules/auth/login-throttle.test.ts', 'src/modules/auth/auth.routes.test.ts'],
    testNamePattern: '^(lockoutSeconds|loginAccountKey|login lockout)',
  },
  {
    name: 'iban',
    file: 'src/platform/validation/iban.ts',
    tests: ['src/platform/validation/iban.test.ts'],
  },
  {
    name: 'bank-account-rules',
    file: 'src/modules/companies/bank-account-rules.ts',
    tests: ['src/modules/companies/bank-account-rules.test.ts'],
  },
  {
    name: 'payout-transitions',
    file: 'src/platform/payouts/payout-transitions.ts',
    tests: ['src/platform/payouts/payout-transitions.test.ts'],
  },
  {
    name: 'payouts-repository',
    file: 'src/platform/payouts/payouts.repository.ts',
    tests: ['src/platform/payouts/payouts.repository.test.ts', 'src/platform/payouts/payouts.test.ts'],
  },
  {
    name: 'idempotency',
    file: 'src/platform/http/idempotency.ts',
    tests: ['src/platform/http/idempotency.test.ts'],
  },
]
