import type { Phase } from './measure.ts'

/** The targets (2-core machine, database, server and load generator on it). */
export const TARGETS = {
  supplierListRps: 2_000,
  listShareOfPgbench: 0.15,
  readP99Ms: 30,
  anticipationRps: 900,
  paymentRps: 2_000,
  concentratedShare: 0.9,
  bulkFactor: 3,
  importSeconds: 10,
  importPeakRssMb: 300,
  scaleFactor: 1.3,
}

export function resultsTable(phase: Phase): string {
  const rows = phase.scenarios.map((s) => [
    s.name,
    s.http.requestsPerSecond.toFixed(0),
    String(s.http.p50Ms),
    String(s.http.p99Ms),
    String(s.http.requests),
    `${s.http.non2xx}/${s.http.errors}`,
    s.pgbench ? s.pgbench.tps.toFixed(0) : '',
    s.pgbench ? `${s.pgbench.p50Ms.toFixed(1)}/${s.pgbench.p99Ms.toFixed(1)}` : '',
    s.ratio === undefined ? '' : `${(s.ratio * 100).toFixed(0)} %`,
    `${s.cpu.serverMs.toFixed(2)} + ${s.cpu.postgresMs.toFixed(2)} + ${s.cpu.loadGeneratorMs.toFixed(2)}`,
  ])
  return table(
    [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'requests',
      'non-2xx/errors',
      'pgbench tps',
      'pgbench p50/p99 ms',
      'endpoint/pgbench',
      'CPU ms/req Bureau + PG + autocannon',
    ],
    rows,
  )
}

export function scaleTable(small: Phase, large: Phase): string {
  const rows = small.scenarios.map((s) => {
    const l = large.scenarios.find((candidate) => candidate.name === s.name)
    return [
      s.name,
      s.http.requestsPerSecond.toFixed(0),
      l ? l.http.requestsPerSecond.toFixed(0) : '',
      l ? `${(s.http.requestsPerSecond / l.http.requestsPerSecond).toFixed(2)}×` : '',
      `${s.http.p50Ms}/${s.http.p99Ms}`,
      l ? `${l.http.p50Ms}/${l.http.p99Ms}` : '',
      s.pgbench && l?.pgbench ? `${(s.pgbench.tps / l.pgbench.tps).toFixed(2)}×` : '',
    ]
  })
  const at = (phase: Phase) => phase.payments.toLocaleString('en')
  return table(
    [
      'scenario',
      `req/s @${at(small)}`,
      `req/s @${at(large)}`,
      'slowdown',
      `p50/p99 ms @${at(small)}`,
      `p50/p99 ms @${at(large)}`,
      'pgbench slowdown',
    ],
    rows,
  )
}

export interface TargetCheck {
  target: string
  met: boolean
  figure: string
}

export function checkTargets(large: Phase, small: Phase | undefined): TargetCheck[] {
  const checks: TargetCheck[] = []
  const find = (prefix: string) => large.scenarios.find((s) => s.name.startsWith(prefix))
  const supplier = find('supplier GET /api/payments/?status=A')
  if (supplier) {
    const rps = supplier.http.requestsPerSecond
    checks.push({
      target: `supplier ?status=A page 1 ≥ ${TARGETS.supplierListRps} req/s`,
      met: rps >= TARGETS.supplierListRps,
      figure: `${rps.toFixed(0)} req/s`,
    })
  }
  for (const s of large.scenarios.filter((candidate) => candidate.ratio !== undefined)) {
    const ratio = s.ratio ?? 0
    checks.push({
      target: `${s.name} ≥ ${TARGETS.listShareOfPgbench * 100} % of pgbench`,
      met: ratio >= TARGETS.listShareOfPgbench,
      figure: `${(ratio * 100).toFixed(0)} % (${s.http.requestsPerSecond.toFixed(0)} / ${s.pgbench?.tps.toFixed(0) ?? '?'})`,
    })
  }
  for (const s of large.scenarios.filter(
    (candidate) => candidate.kind === 'list' || candidate.kind === 'read',
  )) {
    checks.push({
      target: `${s.name} p99 ≤ ${TARGETS.readP99Ms} ms`,
      met: s.http.p99Ms <= TARGETS.readP99Ms,
      figure: `p99 ${s.http.p99Ms} ms`,
    })
  }
  checks.push(...writeTargets(large))
  if (small) {
    for (const s of small.scenarios) {
      const l = large.scenarios.find((candidate) => candidate.name === s.name)
      if (!l) continue
      const factor = s.http.requestsPerSecond / l.http.requestsPerSecond
      checks.push({
        target: `${s.name} at ${small.payments} vs ${large.payments} within ${TARGETS.scaleFactor}×`,
        met: factor <= TARGETS.scaleFactor && factor >= 1 / TARGETS.scaleFactor,
        figure: `${s.http.requestsPerSecond.toFixed(0)} vs ${l.http.requestsPerSecond.toFixed(0)} req/s (${factor.toFixed(2)}×)`,
      })
    }
  }
  return checks
}

/** Writes: spread throughput, concentrated ≥ 90 % of spread, and the bulk INSERT's cost of counting. */
function writeTargets(large: Phase): TargetCheck[] {
  const checks: TargetCheck[] = []
  const endpoints = [
    ['POST /api/payments/', TARGETS.paymentRps],
    ['POST /api/anticipations/', TARGETS.anticipationRps],
  ] as const
  for (const [endpoint, target] of endpoints) {
    const shaped = (shape: string) =>
      large.scenarios.find((s) => s.name === `supplier ${endpoint} (${shape})`)
    const spread = shaped('spread')
    const concentrated = shaped('concentrated')
    if (spread) {
      const rps = spread.http.requestsPerSecond
      checks.push({
        target: `${endpoint} spread ≥ ${target} req/s`,
        met: rps >= target && spread.http.non2xx === 0,
        figure: `${rps.toFixed(0)} req/s, ${spread.http.non2xx} non-2xx`,
      })
    }
    if (spread && concentrated) {
      const share = concentrated.http.requestsPerSecond / spread.http.requestsPerSecond
      checks.push({
        target: `${endpoint} concentrated ≥ ${TARGETS.concentratedShare * 100} % of spread`,
        met: share >= TARGETS.concentratedShare && concentrated.http.non2xx === 0,
        figure: `${(share * 100).toFixed(0)} % (${concentrated.http.requestsPerSecond.toFixed(0)} / ${spread.http.requestsPerSecond.toFixed(0)} req/s)`,
      })
    }
  }
  if (large.bulk) {
    const factor = large.bulk.seconds / large.bulk.withoutCountTriggersSeconds
    checks.push({
      target: `bulk INSERT of ${large.bulk.payments} payments within ${TARGETS.bulkFactor}× of it without count triggers`,
      met: factor <= TARGETS.bulkFactor,
      figure: `${large.bulk.seconds.toFixed(2)} s vs ${large.bulk.withoutCountTriggersSeconds.toFixed(2)} s (${factor.toFixed(2)}×)`,
    })
  }
  if (large.imported) {
    const imported = large.imported
    checks.push({
      target: `import of ${imported.rows} rows ≤ ${TARGETS.importSeconds} s`,
      met: imported.seconds <= TARGETS.importSeconds,
      figure: `${imported.seconds.toFixed(2)} s, CPU ${imported.cpuSeconds.server.toFixed(1)} + ${imported.cpuSeconds.postgres.toFixed(1)} s (again, all skipped: ${imported.resendSeconds.toFixed(2)} s)`,
    })
    checks.push({
      target: `server peak RSS through the import ≤ ${TARGETS.importPeakRssMb} MB`,
      met: imported.peakRssMbAfter <= TARGETS.importPeakRssMb,
      figure: `${imported.peakRssMbAfter.toFixed(0)} MB (RSS before ${imported.rssMbBefore.toFixed(0)} MB, peak before ${imported.peakRssMbBefore.toFixed(0)} MB)`,
    })
  }
  return checks
}

export function targetsTable(checks: TargetCheck[]): string {
  return table(
    ['target', 'met', 'figure'],
    checks.map((check) => [check.target, check.met ? 'yes' : 'NO', check.figure]),
  )
}

/** A Markdown table (also readable as plain text). */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')
}
