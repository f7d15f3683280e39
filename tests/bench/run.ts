/**
 * `npm run bench`: the scenarios of issue 7, each against our server and the comparison
 * servers started in the same run (the reference @y/websocket-server in memory, and the floor,
 * a bare relay), or in headless Chromium against plain tldraw. Prints one table per scenario,
 * ours beside the comparison with the ratio and the budget (PASS/FAIL), and writes
 * tests/bench/results.json. Timings are reported, never asserted: not part of `npm test`.
 *
 *   npm run bench                              # every scenario, about 10 minutes
 *   npm run bench -- --scenario townhall       # one (or several, comma-separated)
 *   npm run bench -- --seconds 5 --storage-seconds 20
 *
 * Flags can also come from the environment (BENCH_SCENARIOS, BENCH_SECONDS, ...); a flag wins.
 */
import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createBuilds } from './lib/build.ts'
import { renderResults, renderScenario } from './lib/report.ts'
import type { BenchOptions, Scenario, ScenarioResult } from './lib/scenario.ts'
import { workshops } from './scenarios/workshops.ts'
import { townhall } from './scenarios/townhall.ts'
import { join } from './scenarios/join.ts'
import { memory } from './scenarios/memory.ts'
import { storage } from './scenarios/storage.ts'
import { drawing } from './scenarios/drawing.ts'
import { client } from './scenarios/client.ts'

const SCENARIOS: Record<string, Scenario> = { workshops, townhall, join, memory, storage, drawing, client }

type NumericOption = Exclude<keyof BenchOptions, 'cpuProfileDir'>
const NUMERIC: Record<NumericOption, { flag: string; env: string; default: number; min: number; max: number; help: string }> = {
  seconds: { flag: 'seconds', env: 'BENCH_SECONDS', default: 10, min: 1, max: 600, help: 'measurement window of the load scenarios, seconds' },
  warmup: { flag: 'warmup', env: 'BENCH_WARMUP', default: 0.5, min: 0, max: 60, help: 'load before each window opens, seconds' },
  storageSeconds: {
    flag: 'storage-seconds',
    env: 'BENCH_STORAGE_SECONDS',
    default: 60,
    min: 5,
    max: 3600,
    help: 'editing session of the storage scenario, seconds (the issue says 600)',
  },
}

const RESULTS_FILE = path.join(import.meta.dirname, 'results.json')

class UsageError extends Error {
  override readonly name = 'UsageError'
}

function usage(): string {
  return [
    'Usage: npm run bench -- [options]',
    '',
    `  --scenario          comma-separated, from: ${Object.keys(SCENARIOS).join(', ')} (default all; env BENCH_SCENARIOS)`,
    ...Object.values(NUMERIC).map((spec) => `  --${spec.flag.padEnd(18)}${spec.help} (default ${spec.default}; env ${spec.env})`),
    '  --cpu-prof DIR      write a V8 CPU profile of our server per scenario into DIR (env BENCH_CPU_PROF)',
    `  --out FILE          results file (default ${path.relative(process.cwd(), RESULTS_FILE)}; env BENCH_OUT)`,
    '',
    '  env BENCH_CODESIGN_ENTRY=FILE   run this entry file as our server (a modified copy, to compare a change)',
    '',
    'Scenarios:',
    ...Object.values(SCENARIOS).map((s) => `  ${s.name.padEnd(10)} ${s.title}: ${s.description}`),
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
      'cpu-prof': { type: 'string' },
      ...Object.fromEntries(Object.values(NUMERIC).map((spec) => [spec.flag, { type: 'string' as const }])),
    },
  })
  const raw = values as Record<string, string | boolean | undefined>
  const cpuProf = typeof raw['cpu-prof'] === 'string' ? raw['cpu-prof'] : env.BENCH_CPU_PROF
  const options: BenchOptions = { seconds: 0, warmup: 0, storageSeconds: 0, cpuProfileDir: cpuProf ? path.resolve(cpuProf) : undefined }
  for (const [name, spec] of Object.entries(NUMERIC) as [NumericOption, (typeof NUMERIC)[NumericOption]][]) {
    const flag = raw[spec.flag]
    const text = typeof flag === 'string' ? flag : env[spec.env]
    if (text === undefined || text === '') {
      options[name] = spec.default
      continue
    }
    const value = Number(text)
    if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
      throw new UsageError(`--${spec.flag} must be a number from ${spec.min} to ${spec.max}, got "${text}"`)
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
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
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
  // y-websocket's provider adds a process 'exit' listener per client; hundreds are intended.
  process.setMaxListeners(0)

  // Ctrl-C: scenarios stop waiting, close their clients and stop their servers, then we exit.
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
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  }
  const builds = createBuilds(progress)
  const results: ScenarioResult[] = []
  const failures: { scenario: string; error: string }[] = []
  const durations: Record<string, number> = {}
  try {
    for (const scenario of scenarios) {
      const started = performance.now()
      const load = os.loadavg()[0]?.toFixed(2) ?? '-'
      progress(`${scenario.name}: ${scenario.title} (load average ${load})`)
      try {
        const result = await scenario.run({ options, progress, signal: controller.signal, builds: builds.get })
        // Other people's work on this shared machine shows in the figures: say how busy it was.
        result.settings['machine load average at start'] = load
        results.push(result)
        process.stdout.write(`\n${renderScenario(result)}\n`)
      } catch (error) {
        if (controller.signal.aborted) return 130
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
        progress(`${scenario.name} failed: ${message}`)
        failures.push({ scenario: scenario.name, error: message })
      }
      durations[scenario.name] = Math.round((performance.now() - started) / 1000)
      progress(`${scenario.name}: done in ${durations[scenario.name]} s`)
    }
  } finally {
    await builds.remove()
  }

  if (results.length > 0) process.stdout.write(`\n${'='.repeat(100)}\n\n${renderResults(results)}\n\n`)
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100) },
    options,
    durationsSeconds: durations,
    results,
    failures,
  }
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
