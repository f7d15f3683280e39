/**
 * The SQLite document store killed with SIGKILL at a random moment, while appending in
 * concurrent batches and compacting: every update it acknowledged is there after reopening.
 *
 * A child process (tests/helpers/storageWriter.ts) writes and prints each seq once its append
 * resolved; the test kills it either after a seeded random number of acknowledgements,
 * whatever it is doing by then (even seeds), or as it starts its n-th compaction, a window too
 * short to hit often by chance (odd seeds), and reads the file.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createSqliteDocumentStore } from '../../server/storage/SqliteDocumentStore.ts'
import { seededRandom } from '../helpers/seededRandom.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'

const WRITER = fileURLToPath(new URL('../helpers/storageWriter.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BOARD = 'board-crash'
/** A failing seed is worth keeping here as a regression test. */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8]
/** How long one run may take before the child is killed and the run fails. */
const RUN_DEADLINE_MS = 10_000

interface Acknowledged {
  seq: number
  key: string
}

/** When to kill the writer: after so many acknowledged appends, or as a compaction starts. */
type KillPoint = { acknowledged: number } | { compaction: number }

function killPointFor(seed: number): KillPoint {
  const random = seededRandom(seed)
  return seed % 2 === 0
    ? { acknowledged: random.int(1, 600) }
    : { compaction: random.int(1, 12) }
}

interface WriterRun {
  acknowledged: Acknowledged[]
  signal: NodeJS.Signals | null
  exitCode: number | null
  stderr: string
  timedOut: boolean
}

/** Runs the writer until `killPoint`, then kills it with SIGKILL. */
function runWriterAndKill(file: string, seed: number, killPoint: KillPoint): Promise<WriterRun> {
  return new Promise((resolve, reject) => {
    // node --import tsx and not the tsx binary: the binary runs the script in a grandchild
    // that would outlive a SIGKILL sent to it.
    // Seeds from 5 on write the update log in 4 KB segments: killed while segments start and go.
    const segmentBytes = seed >= 5 ? ['4096'] : []
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, BOARD, String(seed), ...segmentBytes], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const acknowledged: Acknowledged[] = []
    let compactions = 0
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const deadline = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, RUN_DEADLINE_MS)

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const lines = stdout.split('\n')
      // Only complete lines: the last piece is the start of a line still being read.
      stdout = lines.pop() ?? ''
      for (const line of lines) {
        if (line === 'compacting') {
          compactions += 1
          continue
        }
        const match = /^committed (\d+) (k\d+)$/.exec(line)
        if (!match) {
          child.kill('SIGKILL')
          reject(new Error(`unexpected output from the writer: ${line}`))
          return
        }
        acknowledged.push({ seq: Number(match[1]), key: match[2]! })
      }
      const reached =
        'acknowledged' in killPoint
          ? acknowledged.length >= killPoint.acknowledged
          : compactions >= killPoint.compaction
      if (reached && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    // 'close' and not 'exit': by then every byte the child printed has been read.
    child.on('close', (exitCode, signal) => {
      clearTimeout(deadline)
      resolve({ acknowledged, signal, exitCode, stderr, timedOut })
    })
  })
}

describe('SqliteDocumentStore killed with SIGKILL', () => {
  let dir: TmpDir

  beforeEach(async () => {
    dir = await createTmpDir()
  })
  afterEach(() => dir.remove())

  it.for(SEEDS)('keeps every update it acknowledged, whenever it is killed (seed %i)', async (seed) => {
    const file = dir.file('boards.sqlite')
    const killPoint = killPointFor(seed)

    const run = await runWriterAndKill(file, seed, killPoint)

    expect(run.timedOut, `the writer did not reach ${JSON.stringify(killPoint)}: ${run.stderr}`).toBe(false)
    expect(run.signal, `the writer ended by itself (code ${run.exitCode}): ${run.stderr}`).toBe('SIGKILL')

    const store = await createSqliteDocumentStore({ file })
    const entries = await store.load(BOARD)
    const seqs = entries.map((entry) => entry.seq)
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b))

    const doc = new Y.Doc()
    for (const entry of entries) Y.applyUpdate(doc, entry.update)
    const keys = doc.getMap('keys')
    const missing = run.acknowledged.filter(({ key }) => !keys.has(key))
    expect(missing, `acknowledged but lost (seed ${seed})`).toEqual([])
    // Nothing stored is waiting for an update that is not: the log has no holes.
    expect(doc.store.pendingStructs).toBeNull()

    const highestAcknowledged = Math.max(0, ...run.acknowledged.map(({ seq }) => seq))
    expect(Math.max(0, ...seqs)).toBeGreaterThanOrEqual(highestAcknowledged)
    expect(await store.append(BOARD, Y.encodeStateAsUpdate(doc))).toBeGreaterThan(highestAcknowledged)
    await store.close()
    doc.destroy()
  })
})
