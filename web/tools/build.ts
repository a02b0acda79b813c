/**
 * Builds the console into web/dist when its sources changed since the last build, so `npm start`
 * on a fresh clone serves it and a second start does not rebuild. Several processes may ask at once
 * (test files run in parallel): one builds under a lock while the others wait and reuse its result.
 *
 *   node web/tools/build.ts            build if stale
 *   node web/tools/build.ts --force    build anyway
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const webDir = join(import.meta.dirname, '..')
export const consoleDist = join(webDir, 'dist')
const stampFile = join(consoleDist, '.source-hash')
const lockDir = join(webDir, '.build-lock')
const STALE_LOCK_MS = 5 * 60_000

/** Every file the build reads, hashed with its path, so any change (or a new dependency) shows. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256')
  const files = [
    join(webDir, 'index.html'),
    join(webDir, 'vite.config.ts'),
    join(webDir, '..', 'package-lock.json'),
    ...(await filesUnder(join(webDir, 'src'))),
    ...(await filesUnder(join(webDir, 'public'))),
  ]
  for (const file of files.sort()) {
    hash
      .update(relative(webDir, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0')
  }
  return hash.digest('hex')
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}

async function builtHash(): Promise<string | undefined> {
  return readFile(stampFile, 'utf8').catch(() => undefined)
}

async function takeLock(): Promise<void> {
  for (;;) {
    try {
      await mkdir(lockDir)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const since = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (since > STALE_LOCK_MS) await rm(lockDir, { recursive: true, force: true })
      else await sleep(200)
    }
  }
}

/** Builds the console unless web/dist already holds a build of the current sources. */
export async function ensureConsoleBuilt(
  options: { force?: boolean; quiet?: boolean } = {},
): Promise<boolean> {
  const wanted = await sourceHash()
  if (!options.force && (await builtHash()) === wanted) return false
  await takeLock()
  try {
    if (!options.force && (await builtHash()) === wanted) return false
    const { build } = await import('vite')
    await build({
      configFile: join(webDir, 'vite.config.ts'),
      logLevel: options.quiet ? 'error' : 'warn',
    })
    await writeFile(stampFile, wanted)
    return true
  } finally {
    await rm(lockDir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const force = process.argv.includes('--force')
  const started = performance.now()
  try {
    const built = await ensureConsoleBuilt({ force })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    process.stdout.write(built ? `console built into web/dist in ${seconds} s\n` : 'console is up to date\n')
  } catch (error) {
    // `npm start` runs this first: without the console (no build tools installed, say) the API still starts.
    console.error(`The console could not be built; the API serves without it.\n${String(error)}`)
    if (force) process.exitCode = 1
  }
}
