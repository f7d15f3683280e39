/**
 * 7. Client, in headless Chromium. (a) Opening a board of 2,000 and of 4,000 geo shapes from
 * our server, until its shapes are in the page, against plain tldraw (plain/, same tldraw,
 * same assets) showing the same records put into its store locally (fetched as JSON from a
 * static server). Both timed from navigation start, in fresh browser contexts, in the order
 * plain, ours, ours, plain, so the machine's drift hits both alike. Budget: at most 1.25x.
 * (b) One remote change (another person moves a shape) on the 4,000-shape board: main-thread
 * time (Chromium's TaskDuration over a fixed window, minus an idle window's) against the same
 * move put into the page's store directly. Budget: at most 1.5x.
 * (c) Initial JavaScript: the gzip size of every script the board page loaded before its
 * shapes showed. Budget: at most 700 KB; export and PDF code not among them.
 */
import { gzipSync } from 'node:zlib'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, openAs, type Person } from '../../helpers/browser.ts'
import { waitFor } from '../../helpers/waitFor.ts'
import { DocKeys } from '../../../shared/protocol.ts'
import { exposeEditor, noteWhenShapesShow, preparePage, shapesShownAt, taskMs } from '../lib/browserBench.ts'
import { MB } from '../lib/proc.ts'
import { boardRecords, writeRecords, type BenchRecord } from '../lib/records.ts'
import { maxBudget, ratioBudget, type Budget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { startServer, ServerKind, type BenchServer, type BoardAccess } from '../lib/servers.ts'
import { serveStatic } from '../lib/staticServer.ts'
import { round } from '../lib/stats.ts'
import { connectYClient, type YClient } from '../lib/yClient.ts'

export const client: Scenario = {
  name: 'client',
  title: '7. Client',
  description: 'open boards of 2,000 and 4,000 shapes vs plain tldraw; one remote change; initial JavaScript',
  run: runClient,
}

const SIZES = [2000, 4000] as const
const LARGEST = 4000
/** Loads per size and side: few, as plain tldraw alone needs 5 to 12 s per load on this machine. */
const LOADS: Record<(typeof SIZES)[number], number> = { 2000: 2, 4000: 2 }
const SHOW_TIMEOUT_MS = 180_000
const CHANGE_REPS = 12
const CHANGE_WINDOW_MS = 500
const KB = 1000

type OpenResult = { shapes: number; plainMs: number[]; oursMs: number[]; plainMedian: number; oursMedian: number }
type ScriptFile = { file: string; bytes: number; gzipBytes: number }

async function runClient(context: ScenarioContext): Promise<ScenarioResult> {
  const { appDir, plainDir } = await context.builds()
  const recordsBySize = new Map<number, BenchRecord[]>(SIZES.map((n) => [n, boardRecords(n)]))
  const plain = await serveStatic(
    plainDir,
    Object.fromEntries(SIZES.map((n) => [`/records-${n}.json`, JSON.stringify(recordsBySize.get(n))])),
  )
  const server = await startServer(ServerKind.codesign, {
    env: { CLIENT_DIR: appDir, MAX_BYTES_PER_SECOND: String(64 * MB) },
    ...(context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {}),
  })
  const browser = await launchBrowser()
  const writers: YClient[] = []
  try {
    const boards = new Map<number, BoardAccess>()
    for (const n of SIZES) {
      const board = await server.createBoard(`${n} shapes`)
      const writer = connectYClient(server.url, board, 'facilitator', { needsSync: true })
      writers.push(writer)
      await waitFor(() => writer.ready(), { timeout: 30_000, message: 'the writer synced' })
      writeRecords(writer.doc, recordsBySize.get(n) ?? [], 500)
      await waitFor(() => writer.isSaved(), { timeout: 60_000, message: `the ${n}-shape board saved` })
      boards.set(n, board)
    }

    const opens: OpenResult[] = []
    let scripts: string[] = []
    let kept: Person | undefined
    for (const n of SIZES) {
      const board = boards.get(n)
      if (!board) throw new Error('no board')
      const plainMs: number[] = []
      const oursMs: number[] = []
      // Alternating: plain, ours, ours, plain, ...; for the largest board plain, ours, plain,
      // ours, so that its last load is ours, whose page then stays open for the remote change.
      const largest = n === LARGEST
      const loads = LOADS[n]
      for (let i = 0; i < loads * 2; i++) {
        const ours = largest ? i % 2 === 1 : i % 4 === 1 || i % 4 === 2
        const last = largest && i === loads * 2 - 1
        const url = ours ? boardUrl(server, board) : `${plain.url}/?records=/records-${n}.json`
        const loaded = await openAndTime(browser, ours ? server.url : plain.url, url, n, { keep: last, scripts: ours && scripts.length === 0 })
        ;(ours ? oursMs : plainMs).push(loaded.ms)
        if (loaded.scripts.length > 0) scripts = loaded.scripts
        if (loaded.person) kept = loaded.person
        context.progress(`client: ${n} shapes, ${ours ? 'ours' : 'plain'}: ${Math.round(loaded.ms)} ms`)
      }
      opens.push({ shapes: n, plainMs, oursMs, plainMedian: median(plainMs), oursMedian: median(oursMs) })
    }

    if (!kept) throw new Error('no board page kept for the remote change')
    const change = await measureRemoteChange(kept.page, writers[writers.length - 1], recordsBySize.get(LARGEST) ?? [])
    context.progress(`client: one change: remote ${change.remoteMs} ms, direct ${change.directMs} ms of main thread`)
    await kept.context.close()

    const js = await initialJavaScript(appDir, scripts)
    const budgets: Budget[] = [
      ...opens.map((o) =>
        ratioBudget(`open ${o.shapes} shapes`, 'ms', o.oursMedian, { label: 'plain tldraw', value: o.plainMedian }, 1.25),
      ),
      ratioBudget('one remote change, main thread', 'ms', change.remoteMs, { label: 'direct put', value: change.directMs }, 1.5),
      maxBudget('initial JavaScript (gzip)', 'KB', round(js.gzipBytes / KB, 1), 700),
      maxBudget('export/PDF chunks loaded initially', '', js.exportLoaded.length, 0),
    ]
    return {
      scenario: 'client',
      title: client.title,
      settings: {
        'loads per side': `${LOADS[2000]} (2,000 shapes) and ${LOADS[4000]} (4,000), alternating, median`,
        'change window': `${CHANGE_WINDOW_MS} ms x ${CHANGE_REPS}`,
        browser: 'headless Chromium',
      },
      columns: [
        { key: 'what', header: 'measured' },
        { key: 'ours', header: 'ours' },
        { key: 'plain', header: 'plain tldraw / direct' },
        { key: 'unit', header: 'unit' },
      ],
      rows: [
        ...opens.map((o) => ({
          what: `open ${o.shapes} shapes (each load)`,
          ours: o.oursMs.map((ms) => Math.round(ms)).join(' / '),
          plain: o.plainMs.map((ms) => Math.round(ms)).join(' / '),
          unit: 'ms',
        })),
        {
          what: 'one change on 4,000 shapes (median)',
          ours: change.remoteMs,
          plain: change.directMs,
          unit: `ms (idle window ${change.idleMs} ms subtracted)`,
        },
        {
          what: 'initial JavaScript (gzip)',
          ours: `${round(js.gzipBytes / KB, 1)} (${js.files.map((f) => f.file).join(', ')})`,
          plain: null,
          unit: 'KB',
        },
      ],
      budgets,
      notes: [
        ...(js.exportChunks.length === 0 ? ['no export or PDF chunk exists in the build yet: nothing to load lazily'] : []),
        ...(change.applied ? [] : ['the remote change did not reach the page: its figure is not valid']),
      ],
      details: { opens, change, js },
    }
  } finally {
    for (const writer of writers) writer.destroy()
    await browser.close()
    await plain.close()
    await server.stop()
  }
}

function boardUrl(server: BenchServer, board: BoardAccess): string {
  const key = board.protocols('facilitator')[1]?.slice(2)
  return `${server.url}/b/${board.id}#k=${key}`
}

/** Opens `url` in a fresh context; resolves with the time its `count` shapes showed. */
async function openAndTime(
  browser: Browser,
  origin: string,
  url: string,
  count: number,
  { keep, scripts }: { keep: boolean; scripts: boolean },
): Promise<{ ms: number; scripts: string[]; person: Person | undefined }> {
  const person = await openAs(browser, origin, 'Bench')
  try {
    await preparePage(person.page)
    await noteWhenShapesShow(person.page, count)
    const loaded: string[] = []
    let shown = false
    if (scripts) {
      person.page.on('response', (response) => {
        if (!shown && response.request().resourceType() === 'script') loaded.push(new URL(response.url()).pathname)
      })
    }
    await person.page.goto(url)
    const ms = await shapesShownAt(person.page, SHOW_TIMEOUT_MS)
    shown = true
    if (person.pageErrors.length > 0) throw new Error(`the page threw: ${person.pageErrors.join('; ')}`)
    return { ms, scripts: loaded, person: keep ? person : undefined }
  } finally {
    if (!keep) await person.context.close()
  }
}

/**
 * Main-thread time of one move of a shape arriving from another person, against the same
 * move put into the page's store directly (as a remote change, so the binding does not send
 * it back). Each figure is the median of CHANGE_REPS windows, minus the median idle window.
 */
async function measureRemoteChange(
  page: Page,
  writer: YClient | undefined,
  records: readonly BenchRecord[],
): Promise<{ remoteMs: number; directMs: number; idleMs: number; applied: boolean; windows: Record<string, number[]> }> {
  if (!writer) throw new Error('no writer')
  await waitFor(() => exposeEditor(page), { timeout: 30_000, message: 'the editor found' })
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const shape = records.find((r) => r.typeName === 'shape')
  if (!shape) throw new Error('no shape')
  const array = writer.doc.getArray<{ key: string; val: unknown }>(DocKeys.records)
  let x = shape.x as number
  // As the app's binding writes a change: remove the old entry, push the new one.
  const moveRemotely = () => {
    x += 10
    const next = { ...shape, x }
    writer.doc.transact(() => {
      const items = array.toArray()
      for (let i = items.length - 1; i >= 0; i--) if (items[i]?.key === shape.id) array.delete(i, 1)
      array.push([{ key: shape.id, val: next }])
    })
  }
  const moveDirectly = () => {
    x += 10
    return page.evaluate(
      ([id, nextX]) => {
        const editor = (window as unknown as { __benchEditor: { store: { get(id: string): object; put(r: object[]): void; mergeRemoteChanges(fn: () => void): void } } })
          .__benchEditor
        const current = editor.store.get(id)
        editor.store.mergeRemoteChanges(() => editor.store.put([{ ...current, x: nextX }]))
      },
      [shape.id, x] as const,
    )
  }
  const measureWindow = async (action: () => unknown): Promise<number> => {
    const before = await taskMs(cdp)
    await action()
    await sleep(CHANGE_WINDOW_MS)
    return (await taskMs(cdp)) - before
  }
  // Settle first: the board has just been shown.
  await sleep(2000)
  const idle: number[] = []
  const remote: number[] = []
  const direct: number[] = []
  for (let i = 0; i < CHANGE_REPS; i++) {
    // Each kind goes first as often as last, so a slow stretch of the machine hits both alike.
    idle.push(await measureWindow(() => undefined))
    if (i % 2 === 0) {
      remote.push(await measureWindow(moveRemotely))
      direct.push(await measureWindow(moveDirectly))
    } else {
      direct.push(await measureWindow(moveDirectly))
      remote.push(await measureWindow(moveRemotely))
    }
  }
  const applied = await page.evaluate(
    ([id, expected]) => {
      const editor = (window as unknown as { __benchEditor: { store: { get(id: string): { x: number } } } }).__benchEditor
      return editor.store.get(id).x === expected
    },
    [shape.id, x] as const,
  )
  const idleMs = median(idle)
  return {
    remoteMs: round(Math.max(0, median(remote) - idleMs), 2),
    directMs: round(Math.max(0, median(direct) - idleMs), 2),
    idleMs: round(idleMs, 2),
    applied,
    windows: { idle: idle.map((ms) => round(ms, 1)), remote: remote.map((ms) => round(ms, 1)), direct: direct.map((ms) => round(ms, 1)) },
  }
}

/** The gzip size of the scripts the page loaded, looked up in the build. */
async function initialJavaScript(
  appDir: string,
  loaded: readonly string[],
): Promise<{ files: ScriptFile[]; gzipBytes: number; exportChunks: string[]; exportLoaded: string[] }> {
  const files: ScriptFile[] = []
  for (const pathname of new Set(loaded)) {
    const data = await readFile(path.join(appDir, pathname))
    files.push({ file: pathname.replace(/^\/assets\//, ''), bytes: data.byteLength, gzipBytes: gzipSync(data, { level: 9 }).byteLength })
  }
  const all = await readdir(path.join(appDir, 'assets'))
  const isExport = (name: string) => /export|pdf/i.test(name)
  return {
    files,
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    exportChunks: all.filter((name) => name.endsWith('.js') && isExport(name)),
    exportLoaded: files.map((f) => f.file).filter(isExport),
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

