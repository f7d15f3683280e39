/**
 * What a benchmark scenario is and what it reports. A scenario is a function of the options
 * and a context (how to start the server under test, how to report progress, when to stop);
 * each kind of result has its own table (see report.ts). New scenarios add a kind to the
 * union, or return one that exists.
 */
import type { ServerLauncher, StopResult } from './benchServer.ts'
import type { Summary } from './stats.ts'

export type BenchOptions = {
  /** Boards, each with its own clients. */
  boards: number
  /** Clients per board, writers included. */
  clients: number
  /** Clients per board that write. */
  writers: number
  /** Edits a second per writer. */
  rate: number
  /** Padding bytes per edit. */
  bytes: number
  /** Length of the measurement window, in seconds. */
  seconds: number
  /** Writing before the window opens, in seconds. */
  warmup: number
}

export type ScenarioContext = {
  options: BenchOptions
  startServer: ServerLauncher
  /** Progress for the person waiting (stderr); the tables go to stdout. */
  progress(message: string): void
  /** Aborted on Ctrl-C: the scenario stops waiting and cleans up. */
  signal: AbortSignal
}

export type Scenario = {
  name: string
  description: string
  run(context: ScenarioContext): Promise<ScenarioResult>
}

/** CPU and memory of the server process over the measurement window. */
export type ServerUsage = {
  /** CPU time over the window as a percentage of one core. */
  cpuPercent: number
  /** CPU time from the window's start to the end of the drain, per 1000 deliveries. */
  cpuMsPer1000Deliveries: number | null
  cpuMs: number
  rssMb: {
    /** After start-up, before any board or client. */
    idle: number
    /** When the window opened (every client connected). */
    start: number
    /** Largest RSS sampled during the window. */
    peak: number
    end: number
    /** VmHWM at the end: the highest RSS since the process started, start-up included. */
    hwm: number
  }
}

/** Edits written by some clients and observed by the others: how fast and how completely. */
export type PropagationResult = {
  kind: 'propagation'
  scenario: string
  server: string
  shape: BenchOptions
  edits: {
    /** Edits written inside the window, by all writers. */
    sent: number
    /** Achieved edits a second per writer (timers slip under load). */
    ratePerWriter: number
    /** Every edit times the other clients of its board. */
    expectedDeliveries: number
    delivered: number
    /** Expected deliveries not observed by the end of the drain. */
    lost: number
    duplicates: number
    /** Time from the window's end until every delivery arrived (or the drain timed out). */
    drainMs: number
  }
  latencyMs: Summary | null
  usage: ServerUsage
  loadGenerator: {
    /** This process's CPU over the window: near 100 % it, not the server, limits the figures. */
    cpuPercent: number
    eventLoopDelayP99Ms: number
  }
  /** Close codes clients received during the run, with counts. */
  closes: Record<string, number>
  /** What the server logged at warn level or above, by message, with a count and one example line. */
  serverWarnings: { message: string; count: number; example: string }[]
  serverStop: StopResult | null
}

export type ScenarioResult = PropagationResult
