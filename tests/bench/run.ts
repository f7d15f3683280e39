/**
 * `npm run bench`: load scenarios against the real server in a child process. Prints a table
 * per kind of result and writes tests/bench/results.json. Timings are reported, never
 * asserted: this is not part of `npm test`.
 *
 *   npm run bench -- --boards 10 --clients 20 --writers 2 --rate 10 --bytes 200 --seconds 15
 *
 * Every flag can also come from the environment (BENCH_BOARDS, BENCH_CLIENTS, ...); a flag
 * wins over the environment. Scenarios live in scenarios/, one function each.
 */
import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startCodesignServer } from './lib/benchServer.ts'
import { renderResults } from './lib/report.ts'
import type { BenchOptions, Scenario, ScenarioResult } from './lib/scenario.ts'
import { workshops } from './scenarios/workshops.ts'

const SCENARIOS: Record<string, Scenario> = { workshops }

/** The numeric options: flag name, environment variable, default and bounds. */
const NUMERIC: Record<keyof BenchOptions, { env: string; default: number; min: number; max: number; integer: boolean; help: string }> = {
  boards: { env: 'BENCH_BOARDS', default: 5, min: 1, max: 1000, integer: true, help: 'boards' },
  clients: { env: 'BENCH_CLIENTS', default: 10, min: 1, max: 1000, integer: true, help: 'clients per board, writers included' },
  writers: { env: 'BENCH_WRITERS', default: 2, min: 1, max: 1000, integer: true, help: 'writers per board' },
  rate: { env: 'BENCH_RATE', default: 10, min: 0.1, max: 1000, integer: false, help: 'edits a second per writer' },
  bytes: { env: 'BENCH_BYTES', default: 200, min: 0, max: 1_000_000, integer: true, help: 'padding bytes per edit' },
  seconds: { env: 'BENCH_SECONDS', default: 15, min: 1, max: 3600, integer: false, help: 'measurement window, seconds' },
  warmup: { env: 'BENCH_WARMUP', default: 2, min: 0, max: 600, integer: false, help: 'writing before the window opens, seconds' },
}

const RESULTS_FILE = path.join(import.meta.dirname, 'results.json')

class UsageError extends Error {
  override readonly name = 'UsageError'
}

function usage(): string {
  const flags = Object.entries(NUMERIC).map(
    ([name, spec]) => `  --${name.padEnd(9)} ${spec.help} (default ${spec.default}; env ${spec.env})`,
  )
  return [
    'Usage: npm run bench -- [options]',
    '',
    `  --scenario  comma-separated, from: ${Object.keys(SCENARIOS).join(', ')} (default all; env BENCH_SCENARIOS)`,
    ...flags,
    `  --out       results file (default ${path.relative(process.cwd(), RESULTS_FILE)}; env BENCH_OUT)`,
    '',
    'Scenarios:',
    ...Object.values(SCENARIOS).map((s) => `  ${s.name}: ${s.description}`),
  ].join('\n')
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      scenario: { type: 'string' },
      out: { type: 'string' },
      ...Object.fromEntries(Object.keys(NUMERIC).map((name) => [name, { type: 'string' as const }])),
    },
  })
  const raw = values as Record<string, string | boolean | undefined>
  const options = {} as BenchOptions
  for (const [name, spec] of Object.entries(NUMERIC) as [keyof BenchOptions, (typeof NUMERIC)[keyof BenchOptions]][]) {
    const flag = raw[name]
    const text = typeof flag === 'string' ? flag : env[spec.env]
    if (text === undefined || text === '') {
      options[name] = spec.default
      continue
    }
    const value = Number(text)
    if (!Number.isFinite(value) || (spec.integer && !Number.isInteger(value)) || value < spec.min || value > spec.max) {
      throw new UsageError(`--${name} must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}, got "${text}"`)
    }
    options[name] = value
  }
  const scenarioText = typeof raw.scenario === 'string' ? raw.scenario : env.BENCH_SCENARIOS
  const names = scenarioText ? scenarioText.split(',').map((name) => name.trim()).filter(Boolean) : Object.keys(SCENARIOS)
  const scenarios = names.map((name) => {
    const scenario = SCENARIOS[name]
    if (!scenario) throw new UsageError(`unknown scenario "${name}" (known: ${Object.keys(SCENARIOS).join(', ')})`)
    return scenario
  })
  const out = path.resolve(typeof raw.out === 'string' ? raw.out : (env.BENCH_OUT ?? RESULTS_FILE))
  return { options, scenarios, out, help: raw.help === true }
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseOptions(process.argv.slice(2), process.env)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage()}\n`)
    return 2
  }
  if (parsed.help) {
    process.stdout.write(`${usage()}\n`)
    return 0
  }
  const { options, scenarios, out } = parsed

  // Ctrl-C: scenarios stop waiting, close their clients and stop their server, then we exit.
  const controller = new AbortController()
  process.once('SIGINT', () => {
    progress('interrupted: cleaning up')
    controller.abort()
  })

  const startedAt = new Date().toISOString()
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  }
  const results: ScenarioResult[] = []
  const failures: { scenario: string; error: string }[] = []
  for (const scenario of scenarios) {
    progress(`${scenario.name}: ${JSON.stringify(options)}`)
    try {
      results.push(await scenario.run({ options, startServer: startCodesignServer, progress, signal: controller.signal }))
    } catch (error) {
      if (controller.signal.aborted) return 130
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      progress(`${scenario.name} failed: ${message}`)
      failures.push({ scenario: scenario.name, error: message })
    }
  }

  if (results.length > 0) process.stdout.write(`\n${renderResults(results)}\n\n`)
  const report = { startedAt, finishedAt: new Date().toISOString(), commit: gitCommit(), machine, options, results, failures }
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`)
  progress(`wrote ${path.relative(process.cwd(), out)}`)
  return failures.length > 0 ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
