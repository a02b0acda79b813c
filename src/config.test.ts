import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { ConfigError, loadConfig, withDevelopmentSecret, type Config } from './config.ts'

const LONG_SECRET = 'a-production-secret-that-is-long-enough-0123456789'

/** The problems a ConfigError lists for `env`; fails the test when the environment is accepted. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
    return error.problems
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`)
}

describe('configuration defaults', () => {
  it('an empty environment gives the documented defaults', () => {
    const config = loadConfig({})
    const essentials: Partial<Config> = {
      nodeEnv: config.nodeEnv,
      port: config.port,
      host: config.host,
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
      logLevel: config.logLevel,
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      jwtSecret: config.jwtSecret,
      jwtAccessTtlSeconds: config.jwtAccessTtlSeconds,
      jwtRefreshTtlSeconds: config.jwtRefreshTtlSeconds,
      corsOrigins: config.corsOrigins,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      businessTimezone: config.businessTimezone,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    }
    assert.deepEqual(essentials, {
      nodeEnv: 'development',
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.resolve('data'),
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      databaseUrl: undefined,
      redisUrl: undefined,
      jwtSecret: '',
      jwtAccessTtlSeconds: 300,
      jwtRefreshTtlSeconds: 86_400,
      corsOrigins: [],
      bodyLimitBytes: 1024 * 1024,
      trustProxy: false,
      businessTimezone: 'UTC',
      shutdownTimeoutMs: 10_000,
    })
  })

  // Every default that README.md's configuration table or .env.example states: setting the variable
  // to the documented value must give exactly the configuration of not setting it.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const VARIABLE = /^[A-Z][A-Z0-9_]*$/
  const readmeDefaults = new Map<string, string | undefined>()
  for (const line of readFileSync(path.join(root, 'README.md'), 'utf8').split('\n')) {
    const cells = /^\| `([^`]+)` +\| (.*?) +\|/.exec(line)
    if (!cells?.[1] || !VARIABLE.test(cells[1])) continue
    // A default that is one literal (`5`, `30s`); described ones (_(none)_, `smtp` if …) are not values.
    const literal = /^`([^`]*)`$/.exec(cells[2] ?? '')?.[1]
    readmeDefaults.set(cells[1], literal)
  }
  /** Defaults derived from another variable: `http://localhost:$PORT`, `PUBLIC_URL`. */
  const derived = (value: string) => value.includes('$') || readmeDefaults.has(value)
  const exampleDefaults = new Map<string, string>()
  for (const line of readFileSync(path.join(root, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    if (match?.[1] !== undefined) exampleDefaults.set(match[1], match[2] ?? '')
  }

  it('README.md and .env.example document the same variables, with the same defaults', () => {
    assert.ok(readmeDefaults.size > 40 && exampleDefaults.size > 40, 'both lists were read')
    assert.deepEqual([...readmeDefaults.keys()].sort(), [...exampleDefaults.keys()].sort())
    for (const [name, value] of readmeDefaults) {
      const example = exampleDefaults.get(name)
      // An empty line in .env.example leaves the variable unset: the default applies.
      if (value !== undefined && !derived(value) && example !== '') assert.equal(example, value, name)
    }
  })

  for (const [source, defaults] of [
    ['README.md', readmeDefaults],
    ['.env.example', exampleDefaults],
  ] as const) {
    it(`every default that ${source} states is the default loaded`, () => {
      const unset = loadConfig({})
      let checked = 0
      for (const [name, value] of defaults) {
        // Derived defaults have tests of their own (PUBLIC_URL follows PORT, …).
        if (value === undefined || derived(value)) continue
        assert.deepEqual(loadConfig({ [name]: value }), unset, `${name}=${value} is not the default`)
        checked += 1
      }
      assert.ok(checked >= 35, `only ${checked} defaults checked`)
    })
  }

  it('DATA_DIR is resolved to an absolute path', () => {
    assert.equal(loadConfig({ DATA_DIR: 'var/bureau' }).dataDir, path.resolve('var/bureau'))
  })

  it('the default PUBLIC_URL follows PORT', () => {
    assert.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080')
  })

  it('PUBLIC_URL loses its trailing slash, so links can be appended to it', () => {
    assert.equal(
      loadConfig({ PUBLIC_URL: 'https://example.com/bureau/' }).publicUrl,
      'https://example.com/bureau',
    )
  })

  it('logs are silent by default under NODE_ENV=test', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test' }).logLevel, 'silent')
  })

  it('an empty variable counts as unset', () => {
    const config = loadConfig({ PORT: '', NODE_ENV: '', BUSINESS_TIMEZONE: '   ', JWT_SECRET: '' })
    assert.equal(config.port, 3000)
    assert.equal(config.nodeEnv, 'development')
    assert.equal(config.businessTimezone, 'UTC')
    assert.equal(config.jwtSecret, '')
  })
})

describe('configuration errors', () => {
  it('every invalid variable is reported together in one ConfigError', () => {
    const problems = problemsOf({
      PORT: 'abc',
      JWT_ACCESS_TTL: 'x',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://db/bureau',
      TRUST_PROXY: 'maybe',
      PUBLIC_URL: 'ftp://example.com',
    })
    const named = ['PORT', 'JWT_ACCESS_TTL', 'LOG_LEVEL', 'DATABASE_URL', 'TRUST_PROXY', 'PUBLIC_URL']
    assert.equal(problems.length, named.length, problems.join('\n'))
    for (const name of named) {
      assert.ok(
        problems.some((problem) => problem.startsWith(name)),
        `no problem names ${name}: ${problems.join(' | ')}`,
      )
    }
  })

  it("the ConfigError's message lists each problem on its own line", () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes('\n  - PORT must be a whole number') &&
        error.message.includes('\n  - LOG_LEVEL must be one of'),
    )
  })

  it('a problem quotes the value that was given', () => {
    assert.match(
      problemsOf({ PORT: '70000' })[0]!,
      /PORT must be a whole number from 0 to 65535 \(got "70000"\)/,
    )
  })

  it('NODE_ENV=production requires JWT_SECRET', () => {
    const problems = problemsOf({ NODE_ENV: 'production' })
    assert.equal(problems.length, 1)
    assert.match(problems[0]!, /^JWT_SECRET is required when NODE_ENV=production/)
  })

  it('NODE_ENV=production rejects a JWT_SECRET shorter than 32 bytes', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })
    assert.deepEqual(problems, ['JWT_SECRET must be at least 32 bytes long.'])
  })

  it('SEED_DEMO is refused when NODE_ENV=production (demo passwords are public)', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: LONG_SECRET, SEED_DEMO: 'true' })
    assert.deepEqual(problems, [
      'SEED_DEMO adds demo accounts with known passwords; it is refused when NODE_ENV=production.',
    ])
    assert.equal(loadConfig({ SEED_DEMO: 'true' }).seedDemo, true)
    assert.equal(loadConfig({}).seedDemo, false)
  })

  it('NODE_ENV=production accepts a JWT_SECRET of 32 bytes or more', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: LONG_SECRET }).jwtSecret, LONG_SECRET)
  })

  it('a short JWT_SECRET is rejected outside production too', () => {
    assert.deepEqual(problemsOf({ JWT_SECRET: 'short' }), ['JWT_SECRET must be at least 32 bytes long.'])
  })

  it('BUSINESS_TIMEZONE must be an IANA time zone', () => {
    assert.match(
      problemsOf({ BUSINESS_TIMEZONE: 'Mars/Olympus_Mons' })[0]!,
      /^BUSINESS_TIMEZONE must be an IANA/,
    )
  })

  it('BUSINESS_TIMEZONE accepts an IANA time zone', () => {
    assert.equal(loadConfig({ BUSINESS_TIMEZONE: 'America/Sao_Paulo' }).businessTimezone, 'America/Sao_Paulo')
  })
})

describe('slow-client limits', () => {
  it('default to 10 s for the request head, 120 s for the request, 72 s for an idle keep-alive connection', () => {
    assert.deepEqual(loadConfig({}).http, {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
    })
  })

  it('a request head cannot be allowed longer than the whole request', () => {
    assert.deepEqual(problemsOf({ HTTP_HEADERS_TIMEOUT: '5m', HTTP_REQUEST_TIMEOUT: '1m' }), [
      'HTTP_HEADERS_TIMEOUT cannot be longer than HTTP_REQUEST_TIMEOUT.',
    ])
  })
})

describe('durations', () => {
  const accepted: [string, number][] = [
    ['300', 300],
    ['90s', 90],
    ['5m', 300],
    ['12h', 43_200],
    ['7d', 604_800],
  ]
  for (const [text, seconds] of accepted) {
    it(`"${text}" is ${seconds} seconds`, () => {
      assert.equal(loadConfig({ JWT_ACCESS_TTL: text }).jwtAccessTtlSeconds, seconds)
    })
  }

  for (const text of ['0', '0m', '-5', '1.5h', '5w', 'm', 'five minutes']) {
    it(`"${text}" is not a duration`, () => {
      assert.match(problemsOf({ JWT_ACCESS_TTL: text })[0]!, /^JWT_ACCESS_TTL must be a positive duration/)
    })
  }
})

describe('CORS_ORIGINS', () => {
  it('is a comma-separated list, trimmed, with empty items dropped', () => {
    assert.deepEqual(
      loadConfig({ CORS_ORIGINS: ' https://console.example ,https://admin.example,, ' }).corsOrigins,
      ['https://console.example', 'https://admin.example'],
    )
  })
})

describe('withDevelopmentSecret', () => {
  let dataDir: string
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bureau-config-'))
  })
  after(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('generates a secret of at least 32 bytes into DATA_DIR, readable by the owner only', () => {
    const dir = path.join(dataDir, 'generated')
    const config = withDevelopmentSecret(loadConfig({ DATA_DIR: dir }))
    const file = path.join(dir, 'jwt-secret')
    assert.ok(Buffer.byteLength(config.jwtSecret) >= 32)
    assert.equal(readFileSync(file, 'utf8').trim(), config.jwtSecret)
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })

  it('reuses the stored secret on the next start', () => {
    const dir = path.join(dataDir, 'reused')
    const first = withDevelopmentSecret(loadConfig({ DATA_DIR: dir }))
    const second = withDevelopmentSecret(loadConfig({ DATA_DIR: dir }))
    assert.equal(second.jwtSecret, first.jwtSecret)
  })

  it('leaves a configured JWT_SECRET alone and writes nothing', () => {
    const dir = path.join(dataDir, 'configured')
    const config = withDevelopmentSecret(loadConfig({ DATA_DIR: dir, JWT_SECRET: LONG_SECRET }))
    assert.equal(config.jwtSecret, LONG_SECRET)
    assert.equal(existsSync(path.join(dir, 'jwt-secret')), false)
  })
})

describe('starting the server with a bad environment', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  let dataDir: string
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bureau-serve-'))
  })
  after(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('exits non-zero before listening and prints every problem', () => {
    const result = spawnSync(process.execPath, ['src/main.ts', 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: 'abc', JWT_ACCESS_TTL: 'x' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    assert.equal(result.signal, null, 'the process had to be killed: it did not exit by itself')
    assert.notEqual(result.status, 0)
    assert.match(result.stderr, /PORT must be a whole number/)
    assert.match(result.stderr, /JWT_ACCESS_TTL must be a positive duration/)
    assert.doesNotMatch(result.stdout, /ready/i)
    // Nothing was opened: the embedded database would live under DATA_DIR.
    assert.equal(existsSync(path.join(dataDir, 'pglite')), false)
  })
})
