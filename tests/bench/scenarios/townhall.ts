/**
 * 2. Town hall: one board, 200 connections, 30 people moving cursors at 20 Hz, 10 writing at
 * 10 edits/s, everyone else watching. Budgets (ours, absolute): p99 of edits and of cursors
 * under 150 ms, server CPU under one core. tldraw's own sync server states about 50
 * collaborators per room; the reference and the floor run the same load for comparison.
 */
import { LOAD_COLUMNS, loadNotes, loadRow, roundsFor, runLoadComparison, type LoadShape } from '../lib/load.ts'
import { maxBudget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { ServerKind } from '../lib/servers.ts'

export const townhall: Scenario = {
  name: 'townhall',
  title: '2. Town hall',
  description: '1 board x 200 connections, 30 cursors at 20 Hz, 10 writers at 10 edits/s',
  run: runTownhall,
}

async function runTownhall(context: ScenarioContext): Promise<ScenarioResult> {
  const shape: LoadShape = {
    boards: 1,
    connectionsPerBoard: 200,
    writers: 10,
    rate: 10,
    bytes: 200,
    cursors: 30,
    cursorRate: 20,
    observers: 2,
    seconds: context.options.seconds,
    warmup: context.options.warmup,
    rounds: roundsFor(context.options.seconds),
  }
  const results = await runLoadComparison([ServerKind.floor, ServerKind.reference, ServerKind.codesign], shape, context, (kind) =>
    kind === ServerKind.codesign && context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {},
  )
  const ours = results.find((r) => r.server === ServerKind.codesign)
  return {
    scenario: 'townhall',
    title: townhall.title,
    settings: {
      connections: shape.connectionsPerBoard,
      writers: `${shape.writers} x ${shape.rate}/s x ${shape.bytes} B`,
      cursors: `${shape.cursors} x ${shape.cursorRate} Hz`,
      'real Y.Doc clients (timing)': shape.observers,
      window: `${shape.seconds} s per server, in ${shape.rounds} turns`,
    },
    columns: LOAD_COLUMNS,
    rows: results.map(loadRow),
    budgets: [
      maxBudget('edit p99', 'ms', ours?.latencyMs?.p99, 150, true),
      maxBudget('cursor p99', 'ms', ours?.cursorLatencyMs?.p99, 150, true),
      maxBudget('server CPU', '% of a core', ours?.usage.cpuPercent, 100, true),
      maxBudget('deliveries lost', '', ours ? ours.edits.lost + ours.edits.lightLost : null, 0),
    ],
    notes: results.flatMap(loadNotes),
    details: results,
  }
}
