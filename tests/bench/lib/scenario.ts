/**
 * What a benchmark scenario is and what it reports. A scenario is a function of the options
 * and a context (progress, Ctrl-C, shared resources such as the built client); it returns a
 * table of figures, one row per server or variant, and its budgets, each with the figure
 * measured, what it is compared with, the ratio and whether it passes. See report.ts.
 */
export type BenchOptions = {
  /** Length of the measurement window of the load scenarios, in seconds. */
  seconds: number
  /** Load before each window opens, in seconds. */
  warmup: number
  /** Length of the storage scenario's editing session, in seconds (the issue says 10 minutes). */
  storageSeconds: number
  /** Write a V8 CPU profile of our server per scenario into this folder. */
  cpuProfileDir: string | undefined
}

export type ScenarioContext = {
  options: BenchOptions
  /** Progress for the person waiting (stderr); the tables go to stdout. */
  progress(message: string): void
  /** Aborted on Ctrl-C: the scenario stops waiting and cleans up. */
  signal: AbortSignal
  /** The client built for the browser scenarios (built once per run, on first use). */
  builds(): Promise<Builds>
}

/** Client builds in temporary folders: the app, and plain tldraw for comparison. */
export type Builds = { appDir: string; plainDir: string }

export type Scenario = {
  name: string
  title: string
  description: string
  run(context: ScenarioContext): Promise<ScenarioResult>
}

export type Cell = string | number | null
export type Column = { key: string; header: string; decimals?: number }

/** One budget of the issue: a figure of ours against a limit, absolute or relative. */
export type Budget = {
  name: string
  unit: string
  /** Our figure. */
  ours: number | null
  /** What it is compared with, when the budget is a ratio. */
  against?: { label: string; value: number | null }
  /** ours / against.value. */
  ratio?: number | null
  /** The limit as the issue words it ("<= 1.5x floor", "< 150 ms"). */
  limit: string
  /** null when it could not be measured. */
  pass: boolean | null
}

export type ScenarioResult = {
  scenario: string
  title: string
  /** The load's shape and anything that qualifies the figures. */
  settings: Record<string, Cell>
  columns: Column[]
  rows: Record<string, Cell>[]
  budgets: Budget[]
  /** Doubts about the figures: lost deliveries, closed connections, a busy load generator. */
  notes: string[]
  /** Everything measured, for results.json. */
  details?: unknown
}

export function ratioBudget(
  name: string,
  unit: string,
  ours: number | null | undefined,
  against: { label: string; value: number | null | undefined },
  maxRatio: number,
): Budget {
  const oursValue = ours ?? null
  const againstValue = against.value ?? null
  const ratio = oursValue !== null && againstValue !== null && againstValue > 0 ? oursValue / againstValue : null
  return {
    name,
    unit,
    ours: oursValue,
    against: { label: against.label, value: againstValue },
    ratio,
    limit: `<= ${maxRatio}x ${against.label}`,
    pass: ratio === null ? null : ratio <= maxRatio,
  }
}

export function maxBudget(name: string, unit: string, ours: number | null | undefined, max: number, strict = false): Budget {
  const value = ours ?? null
  return {
    name,
    unit,
    ours: value,
    limit: `${strict ? '<' : '<='} ${max} ${unit}`.trim(),
    pass: value === null ? null : strict ? value < max : value <= max,
  }
}
