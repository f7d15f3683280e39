/**
 * Workshops: N boards with M people each, W of whom edit at R edits a second while the rest
 * watch. The everyday load of a municipality running several sessions at once on one small
 * server. Reports how long an edit takes to reach every other person on its board, whether
 * it reaches them at all, and what that costs the server in CPU and memory.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestClient } from '../../helpers/clients.ts'
import { createBoardOver } from '../../helpers/server.ts'
import { waitFor } from '../../helpers/waitFor.ts'
import type { ServerUnderTest, StopResult } from '../lib/benchServer.ts'
import { MB, sampleRss } from '../lib/proc.ts'
import { connectBenchClient, createPropagationRecorder, type Writer } from '../lib/propagation.ts'
import type { PropagationResult, Scenario, ScenarioContext } from '../lib/scenario.ts'
import { round, summarize } from '../lib/stats.ts'

/** How long deliveries may still arrive after the window closed before they count as lost. */
const DRAIN_TIMEOUT_MS = 5_000
/** Sampling interval of the event-loop delay monitor; its histogram includes this interval. */
const LOOP_RESOLUTION_MS = 10
/** How long one board's clients may take to connect and sync. */
const CONNECT_TIMEOUT_MS = 30_000

export const workshops: Scenario = {
  name: 'workshops',
  description: 'N boards x M clients, W writers per board at R edits/s each; every client observes the others',
  run: runWorkshops,
}

type Measured = Omit<PropagationResult, 'serverWarnings' | 'serverStop'>

async function runWorkshops(context: ScenarioContext): Promise<PropagationResult> {
  const { boards, clients, writers } = context.options
  if (clients < 2) throw new Error('workshops needs at least 2 clients per board (a writer and a receiver)')
  if (writers < 1 || writers > clients) throw new Error(`workshops needs 1 to ${clients} writers per board, got ${writers}`)

  // y-websocket's provider adds a process 'exit' listener each; hundreds are intended here.
  process.setMaxListeners(Math.max(process.getMaxListeners(), boards * clients + 20))
  const server = await context.startServer({ connections: boards * clients })
  context.progress(`server up at ${server.url} (pid ${server.probe.pid})`)
  const everyone: TestClient[] = []
  const running: Writer[] = []
  const stopObserving: (() => void)[] = []
  let measured: Measured
  let serverStop: StopResult
  try {
    measured = await measure(context, server, { everyone, running, stopObserving })
  } finally {
    for (const writer of running) writer.stop()
    for (const stop of stopObserving) stop()
    for (const client of everyone) client.destroy()
    serverStop = await server.stop()
  }
  return { ...measured, serverWarnings: server.warnings(), serverStop }
}

async function measure(
  { options, progress, signal }: ScenarioContext,
  { label: serverLabel, url, probe, crashed }: ServerUnderTest,
  // Owned by the caller, which tears them down whatever happens here.
  owned: { everyone: TestClient[]; running: Writer[]; stopObserving: (() => void)[] },
): Promise<Measured> {
  const { boards, clients, writers, rate, bytes, seconds, warmup } = options
  const checkAlive = () => {
    const crash = crashed()
    if (crash) throw new Error(crash)
  }
  const idle = probe.memory()
  const recorder = createPropagationRecorder()

  const connectStarted = performance.now()
  const groups: TestClient[][] = []
  for (let b = 0; b < boards; b++) {
    const board = await createBoardOver(url, `Bench workshop ${b + 1}`)
    // The first person is the facilitator, the others join with the participant link.
    const group = Array.from({ length: clients }, (_, i) =>
      connectBenchClient(url, board.id, i === 0 ? board.facilitatorKey : board.editorKey),
    )
    owned.everyone.push(...group)
    groups.push(group)
    await waitFor(() => group.every((client) => client.provider.synced), {
      timeout: CONNECT_TIMEOUT_MS,
      message: `the ${clients} clients of board ${b + 1} synced`,
    })
  }
  progress(`${boards} boards x ${clients} clients connected in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s`)

  for (const client of owned.everyone) owned.stopObserving.push(recorder.observe(client))
  // Writers are spread evenly over one period so that the server sees a steady stream,
  // not every writer of every board in the same millisecond.
  const period = 1000 / rate
  const boardWriters = groups.map((group, b) =>
    group.slice(0, writers).map((client, w) => {
      const writer = recorder.startWriter(client, `b${b}w${w}`, {
        rate,
        bytes,
        phaseMs: ((b * writers + w) / (boards * writers)) * period,
      })
      owned.running.push(writer)
      return writer
    }),
  )

  progress(`warming up ${warmup} s, then measuring ${seconds} s`)
  await sleep(warmup * 1000, undefined, { signal })
  checkAlive()

  recorder.openWindow()
  const windowStarted = performance.now()
  const cpuAtStart = probe.cpuMs()
  const memoryAtStart = probe.memory()
  const selfAtStart = process.cpuUsage()
  const rss = sampleRss(probe)
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loopDelay.enable()

  await sleep(seconds * 1000, undefined, { signal })

  for (const writer of owned.running) writer.stop()
  checkAlive()
  const windowMs = performance.now() - windowStarted
  const cpuAtEnd = probe.cpuMs()
  const memoryAtEnd = probe.memory()
  const self = process.cpuUsage(selfAtStart)
  loopDelay.disable()
  const { maxRssBytes } = rss.stop()

  const sent = boardWriters.flat().reduce((sum, writer) => sum + writer.sentInWindow, 0)
  const expectedDeliveries = sent * (clients - 1)
  const drainStarted = performance.now()
  try {
    await waitFor(() => recorder.delivered >= expectedDeliveries, { timeout: DRAIN_TIMEOUT_MS, message: 'every delivery' })
  } catch {
    // Not an error of the benchmark: what did not arrive is reported as lost.
  }
  const drainMs = Math.round(performance.now() - drainStarted)
  recorder.stopRecording()
  const cpuAfterDrain = probe.cpuMs()
  progress(`window closed: ${recorder.delivered}/${expectedDeliveries} deliveries, drained in ${drainMs} ms`)

  const closes: Record<string, number> = {}
  for (const client of owned.everyone) {
    for (const code of client.closes) closes[code] = (closes[code] ?? 0) + 1
  }
  const latency = summarize(recorder.latencies)
  const toMb = (bytes: number) => round(bytes / MB, 1)
  return {
    kind: 'propagation',
    scenario: 'workshops',
    server: serverLabel,
    shape: options,
    edits: {
      sent,
      ratePerWriter: round(sent / (boards * writers) / (windowMs / 1000), 2),
      expectedDeliveries,
      delivered: recorder.delivered,
      lost: Math.max(0, expectedDeliveries - recorder.delivered),
      duplicates: recorder.duplicates,
      drainMs,
    },
    latencyMs: latency && {
      count: latency.count,
      min: round(latency.min, 3),
      mean: round(latency.mean, 3),
      p50: round(latency.p50, 3),
      p95: round(latency.p95, 3),
      p99: round(latency.p99, 3),
      max: round(latency.max, 3),
    },
    usage: {
      cpuPercent: round(((cpuAtEnd - cpuAtStart) / windowMs) * 100, 1),
      cpuMsPer1000Deliveries:
        recorder.delivered > 0 ? round(((cpuAfterDrain - cpuAtStart) / recorder.delivered) * 1000, 2) : null,
      cpuMs: round(cpuAtEnd - cpuAtStart, 0),
      rssMb: {
        idle: toMb(idle.rssBytes),
        start: toMb(memoryAtStart.rssBytes),
        peak: toMb(Math.max(maxRssBytes, memoryAtStart.rssBytes, memoryAtEnd.rssBytes)),
        end: toMb(memoryAtEnd.rssBytes),
        hwm: toMb(memoryAtEnd.hwmBytes),
      },
    },
    loadGenerator: {
      cpuPercent: round(((self.user + self.system) / 1000 / windowMs) * 100, 1),
      eventLoopDelayP99Ms: round(Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS), 2),
    },
    closes,
  }
}
