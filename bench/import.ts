import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import type pg from 'pg'
import { cpuSince, snapshot } from './cpu.ts'
import { addDays } from './scenarios.ts'

/** One import of a large CSV file through the API, and the server's memory around it. */
export interface ImportResult {
  rows: number
  bytes: number
  /** POST /api/payments/import of the whole file, until the answer. */
  seconds: number
  status: number
  created: number
  /** The same file again: every row found and skipped. */
  resendSeconds: number
  resendSkipped: number
  /** The server process's resident memory (VmRSS) and its peak (VmHWM) before the first import. */
  rssMbBefore: number
  peakRssMbBefore: number
  /** The peak (VmHWM) after both imports. */
  peakRssMbAfter: number
  /** CPU time of the first import: the server process, and its database connections. */
  cpuSeconds: { server: number; postgres: number }
}

/**
 * The CSV of an ERP's export: `rows` payments over every supplier (half named by id, half by
 * registration number), due over the next 90 days, references ERP-000001…; generated line by line.
 */
function* csvLines(suppliers: { id: number; registration: string }[], today: string, rows: number) {
  yield 'supplier,due_date,value,external_ref\r\n'
  for (let n = 1; n <= rows; n++) {
    const supplier = suppliers[n % suppliers.length]
    if (!supplier) throw new Error('No suppliers to import payments for.')
    const who = n % 2 === 0 ? String(supplier.id) : supplier.registration
    const value = `${100 + (n % 9000)}.${String(n % 100).padStart(2, '0')}`
    yield `${who},${addDays(today, 1 + (n % 90))},${value},ERP-${String(n).padStart(6, '0')}\r\n`
  }
}

/** VmRSS or VmHWM of a process, in MB. */
function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  return match ? Number(match[1]) / 1024 : 0
}

async function post(url: string, token: string, lines: () => Iterable<string>) {
  const started = performance.now()
  const response = await fetch(`${url}/api/payments/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: Readable.toWeb(Readable.from(lines())) as ReadableStream<Uint8Array>,
    duplex: 'half',
    signal: AbortSignal.timeout(300_000),
  })
  const body = (await response.json()) as { created?: number; skipped?: number }
  return { status: response.status, body, seconds: (performance.now() - started) / 1000 }
}

export async function measureImport(
  client: pg.Client,
  server: { url: string; pid: number },
  operatorToken: string,
  options: { rows: number; today: string },
): Promise<ImportResult> {
  const { rows: suppliers } = await client.query<{ id: number; registration: string }>(
    `select s.id, c.registration_number as registration from suppliers s join companies c on c.id = s.company_id order by s.id`,
  )
  const lines = () => csvLines(suppliers, options.today, options.rows)
  let bytes = 0
  for (const line of lines()) bytes += Buffer.byteLength(line)
  const rssMbBefore = memoryMb(server.pid, 'VmRSS')
  const peakRssMbBefore = memoryMb(server.pid, 'VmHWM')
  const cpuBefore = await snapshot(client, server.pid)
  const first = await post(server.url, operatorToken, lines)
  const cpu = await cpuSince(client, server.pid, cpuBefore, 1)
  if (first.status !== 201)
    throw new Error(`The import answered ${first.status}: ${JSON.stringify(first.body)}`)
  const again = await post(server.url, operatorToken, lines)
  return {
    rows: options.rows,
    bytes,
    seconds: first.seconds,
    status: first.status,
    created: first.body.created ?? 0,
    resendSeconds: again.seconds,
    resendSkipped: again.body.skipped ?? 0,
    rssMbBefore,
    peakRssMbBefore,
    peakRssMbAfter: memoryMb(server.pid, 'VmHWM'),
    cpuSeconds: { server: cpu.serverMs / 1000, postgres: cpu.postgresMs / 1000 },
  }
}
