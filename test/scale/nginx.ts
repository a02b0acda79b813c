import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../helpers/processes.ts'
import { ManagedProc, until } from './proc.ts'

/*
 * deploy/nginx.conf, the file compose runs, made to run here: only its lines marked
 * `# scale-test: <what>` are rewritten (addresses, the resolver Docker needs, log paths and the
 * temporary folders of an nginx that does not run from its packaged paths). Debian's nginx (1.22)
 * runs as root on a free port with `-p <folder>`, in the foreground, as its own process.
 */

export const NGINX_CONF = path.join(PROJECT_ROOT, 'deploy', 'nginx.conf')
export const NGINX_BINARY =
  ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((file) => existsSync(file)) ?? 'nginx'

export interface NginxSite {
  /** The folder nginx runs in (`-p`): its config, logs, pid and temporary files. */
  folder: string
  /** 127.0.0.1:port of each API process. */
  upstreams: string[]
  port: number
}

export interface NginxFiles {
  config: string
  accessLog: string
  errorLog: string
}

const MARKER = /^(\s*).*# scale-test: ([a-z-]+)\s*$/

/** Writes the substituted config into `site.folder`; throws when a marker is missing or unknown. */
export function writeNginxConfig(site: NginxSite, source = readFileSync(NGINX_CONF, 'utf8')): NginxFiles {
  const files: NginxFiles = {
    config: path.join(site.folder, 'nginx.conf'),
    accessLog: path.join(site.folder, 'access.log'),
    errorLog: path.join(site.folder, 'error.log'),
  }
  const replacements: Record<string, string[]> = {
    'error-log': [`error_log ${files.errorLog} warn;`],
    // Addresses here are literal: no name to re-resolve.
    resolver: [],
    'upstream-servers': site.upstreams.map((address) => `server ${address};`),
    'access-log': [
      `access_log ${files.accessLog} bureau_json;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `${kind}_temp_path ${path.join(site.folder, `${kind}_temp`)};`,
      ),
    ],
    listen: [`listen 127.0.0.1:${site.port} default_server;`],
  }
  const seen = new Set<string>()
  const lines = source.split('\n').flatMap((line) => {
    const match = MARKER.exec(line)
    if (!match) return [line]
    const [, indent = '', what = ''] = match
    const replacement = replacements[what]
    if (!replacement) throw new Error(`deploy/nginx.conf: unknown marker "scale-test: ${what}"`)
    seen.add(what)
    return replacement.map((text) => `${indent}${text} # substituted for ${what}`)
  })
  const missing = Object.keys(replacements).filter((what) => !seen.has(what))
  if (missing.length > 0) throw new Error(`deploy/nginx.conf lacks the markers: ${missing.join(', ')}`)
  writeFileSync(files.config, lines.join('\n'))
  return files
}

function nginxArgs(folder: string, files: NginxFiles): string[] {
  return [
    '-p',
    `${folder}/`,
    '-c',
    files.config,
    '-e',
    files.errorLog,
    '-g',
    `daemon off; pid ${path.join(folder, 'nginx.pid')};`,
  ]
}

/** `nginx -t` on the written config: its exit code and what it said. */
export async function testNginxConfig(
  folder: string,
  files: NginxFiles,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(NGINX_BINARY, ['-t', ...nginxArgs(folder, files)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  return { code, output }
}

/** Starts nginx in the foreground; ready once it answers on its port. */
export async function startNginx(
  site: NginxSite,
  files: NginxFiles,
  spawned?: (proc: ManagedProc) => void,
): Promise<ManagedProc> {
  return ManagedProc.start({
    name: 'nginx',
    ...(spawned ? { spawned } : {}),
    command: NGINX_BINARY,
    args: nginxArgs(site.folder, files),
    env: { PATH: process.env.PATH },
    cwd: site.folder,
    url: `http://127.0.0.1:${site.port}`,
    ready: (_output, stop) =>
      until(async () => {
        try {
          await fetch(`http://127.0.0.1:${site.port}/metrics`)
          return true
        } catch {
          return false
        }
      }, stop),
  })
}

/** One line of the access log (deploy/nginx.conf's `bureau_json` format). */
export interface AccessLogEntry {
  time: string
  request_id: string
  client: string
  method: string
  path: string
  status: number
  upstream: string
  upstream_status: string
}

export function readAccessLog(file: string): AccessLogEntry[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AccessLogEntry)
}
