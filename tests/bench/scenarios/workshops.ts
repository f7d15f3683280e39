/**
 * 1. Many workshops at once: 25 boards x 40 connections (1,000), 3 writers per board at 20
 * edits/s with 200-byte edits, 5 people per board moving cursors at 10 Hz, everyone else
 * watching. The everyday load of a municipality running many sessions on one small server.
 * Budgets: our edit p99 at most 1.5x the floor's and at most half the reference's; server CPU
 * per delivered message at most 1.25x the floor's; no delivery lost.
 */
import { LOAD_COLUMNS, loadNotes, loadRow, roundsFor, runLoadComparison, type LoadShape } from '../lib/load.ts'
import { maxBudget, ratioBudget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { ServerKind } from '../lib/servers.ts'

export const workshops: Scenario = {
  name: 'workshops',
  title: '1. Many workshops at once',
  description: '25 boards x 40 connections, 3 writers/board at 20 edits/s (200 B), 5 cursors/board at 10 Hz',
  run: runWorkshops,
}

async function runWorkshops(context: ScenarioContext): Promise<ScenarioResult> {
  const shape: LoadShape = {
    boards: 25,
    connectionsPerBoard: 40,
    writers: 3,
    rate: 20,
    bytes: 200,
    cursors: 5,
    cursorRate: 10,
    // Real Y.Doc clients per board on which every edit and presence is timed.
    observers: 2,
    seconds: context.options.seconds,
    warmup: context.options.warmup,
    rounds: roundsFor(context.options.seconds),
  }
  const results = await runLoadComparison([ServerKind.floor, ServerKind.reference, ServerKind.codesign], shape, context, (kind) =>
    kind === ServerKind.codesign && context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {},
  )
  const [floor, reference, ours] = results
  return {
    scenario: 'workshops',
    title: workshops.title,
    settings: {
      boards: shape.boards,
      'connections/board': shape.connectionsPerBoard,
      'writers/board': `${shape.writers} x ${shape.rate}/s x ${shape.bytes} B`,
      'cursors/board': `${shape.cursors} x ${shape.cursorRate} Hz`,
      'real Y.Doc clients/board (timing)': shape.observers,
      window: `${shape.seconds} s per server, in ${shape.rounds} turns`,
    },
    columns: LOAD_COLUMNS,
    rows: results.map(loadRow),
    budgets: [
      ratioBudget('edit p99 vs floor', 'ms', ours?.latencyMs?.p99, { label: 'floor', value: floor?.latencyMs?.p99 }, 1.5),
      ratioBudget('edit p99 vs reference', 'ms', ours?.latencyMs?.p99, { label: 'reference', value: reference?.latencyMs?.p99 }, 0.5),
      ratioBudget(
        'server CPU per delivered message',
        'ms/1k',
        ours?.usage.cpuMsPer1000Deliveries,
        { label: 'floor', value: floor?.usage.cpuMsPer1000Deliveries },
        1.25,
      ),
      maxBudget('deliveries lost', '', ours ? ours.edits.lost + ours.edits.lightLost : null, 0),
    ],
    notes: results.flatMap(loadNotes),
    details: results,
  }
}
