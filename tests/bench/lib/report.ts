/**
 * The printed report: one table per kind of result, with a line under it for anything
 * that makes a row's figures doubtful (lost deliveries, closed connections, a saturated
 * load generator, server warnings).
 */
import type { PropagationResult, ScenarioResult } from './scenario.ts'
import { formatTable, num, type Column } from './table.ts'

/** Past this share of one core the load generator, not the server, may set the latencies. */
const LOAD_GENERATOR_BUSY_PERCENT = 80

function ms(value: number | undefined): string {
  if (value === undefined) return '-'
  return num(value, value < 10 ? 2 : 1)
}

const propagationColumns: Column<PropagationResult>[] = [
  { header: 'scenario', align: 'left', value: (r) => r.scenario },
  { header: 'server', align: 'left', value: (r) => r.server },
  { header: 'boards x clients', value: (r) => `${r.shape.boards} x ${r.shape.clients}` },
  { header: 'writers x rate', value: (r) => `${r.shape.writers} x ${r.shape.rate}/s` },
  { header: 'bytes', value: (r) => String(r.shape.bytes) },
  { header: 'edits sent', value: (r) => String(r.edits.sent) },
  { header: 'deliveries exp/recv', value: (r) => `${r.edits.expectedDeliveries}/${r.edits.delivered}` },
  { header: 'lost', value: (r) => String(r.edits.lost) },
  { header: 'p50 ms', value: (r) => ms(r.latencyMs?.p50) },
  { header: 'p95 ms', value: (r) => ms(r.latencyMs?.p95) },
  { header: 'p99 ms', value: (r) => ms(r.latencyMs?.p99) },
  { header: 'max ms', value: (r) => ms(r.latencyMs?.max) },
  { header: 'server CPU %', value: (r) => num(r.usage.cpuPercent, 1) },
  { header: 'CPU ms/1k msgs', value: (r) => num(r.usage.cpuMsPer1000Deliveries, 1) },
  {
    header: 'RSS MB start/peak/end',
    value: (r) => [r.usage.rssMb.start, r.usage.rssMb.peak, r.usage.rssMb.end].map((mb) => num(mb, 0)).join('/'),
  },
  { header: 'closes', value: (r) => String(Object.values(r.closes).reduce((a, b) => a + b, 0)) },
  { header: 'bench CPU %', value: (r) => num(r.loadGenerator.cpuPercent, 0) },
]

function propagationNotes(results: readonly PropagationResult[]): string[] {
  const notes: string[] = []
  for (const r of results) {
    const name = `${r.scenario} (${r.shape.boards} x ${r.shape.clients})`
    if (r.edits.lost > 0) notes.push(`${name}: ${r.edits.lost} deliveries lost (not seen ${r.edits.drainMs} ms after the window closed)`)
    if (r.edits.duplicates > 0) notes.push(`${name}: ${r.edits.duplicates} edits seen twice or out of order`)
    const closes = Object.entries(r.closes)
    if (closes.length > 0) notes.push(`${name}: connections closed: ${closes.map(([code, n]) => `${n} x ${code}`).join(', ')}`)
    if (r.loadGenerator.cpuPercent > LOAD_GENERATOR_BUSY_PERCENT) {
      notes.push(
        `${name}: the benchmark process used ${num(r.loadGenerator.cpuPercent, 0)} % of a core ` +
          `(event-loop delay p99 ${num(r.loadGenerator.eventLoopDelayP99Ms, 1)} ms): latencies include its queueing`,
      )
    }
    for (const warning of r.serverWarnings) notes.push(`${name}: the server logged ${warning.count} x "${warning.message}"`)
    if (r.serverStop && (r.serverStop.killed || r.serverStop.exitCode !== 0)) {
      notes.push(`${name}: the server did not stop cleanly on SIGTERM (${JSON.stringify(r.serverStop)})`)
    }
  }
  return notes
}

export function renderResults(results: readonly ScenarioResult[]): string {
  const byKind: { propagation: PropagationResult[] } = { propagation: [] }
  for (const result of results) {
    switch (result.kind) {
      case 'propagation':
        byKind.propagation.push(result)
        break
      default: {
        // Narrowing `result.kind`, not `result`: a union of one member does not narrow to never.
        const exhaustive: never = result.kind
        throw new Error(`no table for results of kind ${String(exhaustive)}`)
      }
    }
  }
  const sections: string[] = []
  if (byKind.propagation.length > 0) {
    const notes = propagationNotes(byKind.propagation)
    sections.push(
      [
        'Edit propagation (latency: writer set -> remote observer; CPU over the window, % of one core)',
        '',
        formatTable(propagationColumns, byKind.propagation),
        ...(notes.length > 0 ? ['', ...notes.map((note) => `! ${note}`)] : []),
      ].join('\n'),
    )
  }
  return sections.join('\n\n')
}
