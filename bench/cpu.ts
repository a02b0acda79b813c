import { readFileSync } from 'node:fs'
import type pg from 'pg'

/** Linux's USER_HZ: /proc counts CPU time in 1/100 s. */
const TICKS_PER_SECOND = 100

/**
 * CPU seconds a process has used so far (user + system, all its threads), or undefined once it is
 * gone. On a machine others share, CPU time per request is steadier than requests per second.
 */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

export interface CpuSnapshot {
  server: number
  backends: Map<number, number>
  bench: number
}

/** CPU used per request, in milliseconds, by Bureau, its PostgreSQL backends and the load generator. */
export interface CpuPerRequest {
  serverMs: number
  postgresMs: number
  loadGeneratorMs: number
}

/** The server's pool connections (application_name 'bureau') on the bench database. */
async function backendPids(client: pg.Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and application_name = 'bureau'",
  )
  return rows.map((row) => row.pid)
}

export async function snapshot(client: pg.Client, serverPid: number): Promise<CpuSnapshot> {
  const backends = new Map<number, number>()
  for (const pid of await backendPids(client)) backends.set(pid, cpuSeconds(pid) ?? 0)
  const own = process.cpuUsage()
  return { server: cpuSeconds(serverPid) ?? 0, backends, bench: (own.user + own.system) / 1e6 }
}

/**
 * CPU between two snapshots, per request. A backend that appeared in between is counted from zero;
 * one that closed in between is lost (the pool keeps its connections while it is busy).
 */
export async function cpuSince(
  client: pg.Client,
  serverPid: number,
  before: CpuSnapshot,
  requests: number,
): Promise<CpuPerRequest> {
  const after = await snapshot(client, serverPid)
  let postgres = 0
  for (const [pid, seconds] of after.backends) postgres += seconds - (before.backends.get(pid) ?? 0)
  const per = (seconds: number) => (requests > 0 ? (seconds * 1000) / requests : 0)
  return {
    serverMs: per(after.server - before.server),
    postgresMs: per(postgres),
    loadGeneratorMs: per(after.bench - before.bench),
  }
}
