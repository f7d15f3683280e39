/**
 * The update log under the document store (server/storage/updateLog.ts): what a crash leaves
 * at its end, its segments coming and going, deletions surviving a kill. The store runs for
 * real, in a child process where the test needs it killed with SIGKILL.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { mergeEntries } from '../../server/storage/compaction.ts'
import { createSqliteDocumentStore, logFolderFor, type StoreLog } from '../../server/storage/SqliteDocumentStore.ts'
import { encodeFrame, readLog } from '../../server/storage/updateLog.ts'
import { seededRandom } from '../helpers/seededRandom.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'

const REPO_ROOT = path.resolve(import.meta.dirname, '../..')
const STORE_MODULE = path.join(REPO_ROOT, 'server/storage/SqliteDocumentStore.ts')

/** Runs `body` (an async module body with `store` open on `file`), which ends by killing itself. */
async function runAndKill(file: string, body: string): Promise<string> {
  const script = `
    const { createSqliteDocumentStore } = await import(${JSON.stringify(STORE_MODULE)})
    const store = await createSqliteDocumentStore({ file: ${JSON.stringify(file)}, groupCommitMs: 0 })
    const bytes = (...values) => new Uint8Array(values)
    ${body}
    process.kill(process.pid, 'SIGKILL')
  `
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 30_000 })
  } catch (error) {
    const failed = error as { signal?: string; stdout?: string; stderr?: string }
    if (failed.signal === 'SIGKILL') return failed.stdout ?? ''
    throw new Error(`the child failed: ${failed.stderr}`)
  }
  throw new Error('the child was not killed')
}

function segments(folder: string): string[] {
  return fs.readdirSync(folder).filter((name) => name.endsWith('.log')).sort()
}

function recordingLog(): StoreLog & { warnings: string[] } {
  const warnings: string[] = []
  return { warnings, info: () => {}, warn: (_obj, msg) => warnings.push(msg), error: (_obj, msg) => warnings.push(msg) }
}

/** A document that gets `count` updates, each setting a key to `size` random characters. */
function randomEdits(count: number, size: number, seed: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const random = seededRandom(seed)
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const map = doc.getMap<string>('keys')
  for (let i = 0; i < count; i++) {
    map.set(`k${i % 50}`, Array.from({ length: size }, () => String.fromCharCode(random.int(33, 126))).join(''))
  }
  return { doc, updates }
}

function stateOf(entries: readonly { update: Uint8Array }[]): unknown {
  const doc = new Y.Doc()
  for (const entry of entries) Y.applyUpdate(doc, entry.update)
  return doc.getMap('keys').toJSON()
}

describe('the update log', () => {
  let dir: TmpDir
  let file: string
  let folder: string

  beforeEach(async () => {
    dir = await createTmpDir()
    file = dir.file('boards.sqlite')
    folder = logFolderFor(file)
  })
  afterEach(() => dir.remove())

  it('keeps every acknowledged update when the process died in the middle of writing a frame', async () => {
    await runAndKill(file, `for (let i = 1; i <= 5; i++) await store.append('board-1', bytes(i, i, i))`)
    const [segment] = segments(folder)
    expect(segment).toBeDefined()
    expect(readLog(folder).frames).toHaveLength(5)
    // The start of a sixth frame that never finished (and was never acknowledged).
    const unfinished = encodeFrame([{ kind: 'update', boardId: 'board-1', seq: 6, update: new Uint8Array(300).fill(6) }])
    fs.appendFileSync(path.join(folder, segment!), unfinished.subarray(0, unfinished.byteLength - 20))

    const log = recordingLog()
    const store = await createSqliteDocumentStore({ file, log })
    const entries = await store.load('board-1')
    expect(entries).toEqual([1, 2, 3, 4, 5].map((i) => ({ seq: i, update: new Uint8Array([i, i, i]) })))
    expect(log.warnings).toEqual(['the update log ended in a partly written frame; it was left out'])
    // Its updates are in the database now; the old segment is gone, a new one started.
    expect(segments(folder)).toHaveLength(1)
    expect(segments(folder)[0]).not.toBe(segment)
    expect(await store.append('board-1', new Uint8Array([6]))).toBe(6)
    await store.close()
    // Closed cleanly, the database holds everything and the log nothing.
    const db = new Database(file, { readonly: true })
    const seqs = db.prepare("SELECT seq FROM board_updates WHERE board_id = 'board-1' ORDER BY seq").pluck().all()
    db.close()
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6])
    expect(readLog(folder).frames).toEqual([])
  })

  it('starts new segments and removes old ones, even while a board that never compacts holds updates in them', async () => {
    const store = await createSqliteDocumentStore({ file, groupCommitMs: 0, logSegmentBytes: 2048 })
    const quiet = randomEdits(2, 100, 1)
    for (const update of quiet.updates) await store.append('quiet', update)
    const busy = randomEdits(300, 300, 2)
    let most = 0
    for (const [i, update] of busy.updates.entries()) {
      await store.append('busy', update)
      if (i % 20 === 19) {
        const { merged, upTo } = mergeEntries(await store.load('busy'))
        await store.compact('busy', merged, upTo)
      }
      most = Math.max(most, (await store.logStats()).segments)
    }
    // 300 updates of ~300 random bytes make about 45 segments of 2 KB; at most 4 old ones stay
    // (the quiet board's updates moved into the database), plus the one being written.
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(6)
    expect(segments(folder).length).toBeLessThanOrEqual(6)
    expect(stateOf(await store.load('quiet'))).toEqual(quiet.doc.getMap('keys').toJSON())
    expect(stateOf(await store.load('busy'))).toEqual(busy.doc.getMap('keys').toJSON())
    expect(await store.append('quiet', randomEdits(1, 10, 3).updates[0]!)).toBe(3)
    await store.close()
  })

  it('keeps a board deleted after a kill, and the others as they were', async () => {
    const kept = randomEdits(6, 50, 4)
    const gone = randomEdits(6, 50, 5)
    const hex = (updates: Uint8Array[]) => JSON.stringify(updates.map((u) => Buffer.from(u).toString('hex')))
    await runAndKill(
      file,
      `
      const kept = ${hex(kept.updates)}.map((h) => Buffer.from(h, 'hex'))
      const gone = ${hex(gone.updates)}.map((h) => Buffer.from(h, 'hex'))
      for (const update of gone.slice(0, 3)) await store.append('gone', update)
      for (const update of kept.slice(0, 3)) await store.append('kept', update)
      const entries = await store.load('gone')
      await store.compact('gone', entries[0].update, entries[0].seq)
      for (const update of gone.slice(3)) await store.append('gone', update)
      await store.delete('gone')
      for (const update of kept.slice(3)) await store.append('kept', update)
      `,
    )
    const store = await createSqliteDocumentStore({ file })
    expect(await store.load('gone')).toEqual([])
    expect(await store.size('gone')).toEqual({ entries: 0, bytes: 0 })
    expect(stateOf(await store.load('kept'))).toEqual(kept.doc.getMap('keys').toJSON())
    await store.close()
  })

  it("removes a deleted board's updates from the log's files at once, keeping the other boards' updates", async () => {
    const store = await createSqliteDocumentStore({ file })
    const gone = randomEdits(5, 40, 8)
    const kept = randomEdits(5, 40, 9)
    for (const [i, update] of gone.updates.entries()) {
      await store.append('gone', update)
      await store.append('kept', kept.updates[i]!)
    }
    const mentions = (boardId: string) => readLog(folder).frames.filter((frame) => frame.records.some((r) => r.kind === 'update' && r.boardId === boardId))
    expect(mentions('gone')).toHaveLength(5)

    await store.delete('gone')

    expect(mentions('gone')).toEqual([])
    expect(stateOf(await store.load('kept'))).toEqual(kept.doc.getMap('keys').toJSON())
    expect(await store.append('kept', randomEdits(1, 5, 10).updates[0]!)).toBe(6)
    await store.close()
    const reopened = await createSqliteDocumentStore({ file })
    expect(await reopened.load('gone')).toEqual([])
    expect((await reopened.load('kept')).map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6])
    await reopened.close()
  })

  it('refuses a second store on the same data while the first runs, and opens once it stopped or was killed', async () => {
    const first = await createSqliteDocumentStore({ file })
    await first.append('board-1', new Uint8Array([1]))
    // A second server started by mistake would otherwise move and remove the first's log.
    await expect(createSqliteDocumentStore({ file })).rejects.toMatchObject({
      name: 'StorageError',
      code: 'io',
      message: expect.stringContaining('in use by another server'),
    })
    expect(readLog(folder).frames).toHaveLength(1)
    expect(await first.append('board-1', new Uint8Array([2]))).toBe(2)
    await first.close()

    const second = await createSqliteDocumentStore({ file })
    expect((await second.load('board-1')).map((entry) => entry.seq)).toEqual([1, 2])
    await second.close()
    // A process killed while holding it leaves no lock behind: the kernel releases it.
    await runAndKill(file, `await store.append('board-1', bytes(3))`)
    const third = await createSqliteDocumentStore({ file })
    expect((await third.load('board-1')).map((entry) => entry.seq)).toEqual([1, 2, 3])
    await third.close()
  })

  it('refuses to open a segment damaged in the middle rather than drop the updates after the damage', async () => {
    await runAndKill(file, `for (let i = 1; i <= 6; i++) await store.append('board-1', bytes(i, i, i))`)
    const [segment] = segments(folder)
    const frames = readLog(folder).frames
    expect(frames).toHaveLength(6)
    // One byte of the third frame's payload flipped, as a failing disk might.
    const data = fs.readFileSync(path.join(folder, segment!))
    data[frames[2]!.offset + 14]! ^= 0xff
    fs.writeFileSync(path.join(folder, segment!), data)

    await expect(createSqliteDocumentStore({ file })).rejects.toMatchObject({ name: 'StorageError', code: 'corrupt' })
    // Nothing was moved or removed: the segment is there for a person to look at.
    expect(segments(folder)).toEqual([segment])
  })

  it('reads a board as deleted when the database part of its deletion failed, and finishes it later', async () => {
    // Tiny segments: the deletion record's segment ends at once, and later commits and
    // compactions would remove it were it not kept until the deletion is done.
    const store = await createSqliteDocumentStore({ file, groupCommitMs: 0, logSegmentBytes: 256 })
    const { updates } = randomEdits(4, 20, 7)
    for (const update of updates) await store.append('gone', update)
    const { merged, upTo } = mergeEntries(await store.load('gone'))
    await store.compact('gone', merged, upTo)
    await store.saveSnapshot('gone', { id: 'v1', name: 'v', createdAt: '2026-01-01T00:00:00.000Z', auto: false }, merged)
    await store.append('kept', updates[0]!)
    // A real SQLite failure: another connection makes deleting the board's versions fail.
    const saboteur = new Database(file)
    saboteur.exec("CREATE TRIGGER refuse BEFORE DELETE ON board_snapshots BEGIN SELECT RAISE(ABORT, 'refused'); END")

    await expect(store.delete('gone')).rejects.toMatchObject({ name: 'StorageError', code: 'io' })
    expect(await store.load('gone')).toEqual([])
    expect(await store.size('gone')).toEqual({ entries: 0, bytes: 0 })
    // Nothing may be added to it while its deletion is unfinished.
    await expect(store.append('gone', updates[1]!)).rejects.toMatchObject({ name: 'StorageError', code: 'io' })
    const more = randomEdits(30, 200, 11).updates
    for (const update of more) await store.append('kept', update)
    const kept = mergeEntries(await store.load('kept'))
    await store.compact('kept', kept.merged, kept.upTo)
    await store.close()
    // Still failing at close: the log, with the deletion record, stays for the next opening.
    expect(readLog(folder).frames.some((frame) => frame.records.some((r) => r.kind === 'deletion' && r.boardId === 'gone'))).toBe(true)

    saboteur.exec('DROP TRIGGER refuse')
    saboteur.close()
    const reopened = await createSqliteDocumentStore({ file })
    expect(await reopened.load('gone')).toEqual([])
    expect(await reopened.listSnapshots('gone')).toEqual([])
    expect(await reopened.load('kept')).toEqual([{ seq: kept.upTo, update: kept.merged }])
    await reopened.close()
  })

  it('finishes a deletion whose log record was written when the process died before the database part', async () => {
    const gone = randomEdits(4, 50, 6)
    await runAndKill(
      file,
      `
      const gone = ${JSON.stringify(gone.updates.map((u) => Buffer.from(u).toString('hex')))}.map((h) => Buffer.from(h, 'hex'))
      for (const update of gone.slice(0, 2)) await store.append('gone', update)
      const entries = await store.load('gone')
      await store.compact('gone', entries[0].update, entries[0].seq)
      for (const update of gone.slice(2)) await store.append('gone', update)
      await store.saveSnapshot('gone', { id: 'v1', name: 'kept?', createdAt: '2026-01-01T00:00:00.000Z', auto: false }, gone[0])
      `,
    )
    // What delete() writes first, as the last thing the killed process wrote.
    fs.writeFileSync(path.join(folder, '00000900.log'), encodeFrame([{ kind: 'deletion', boardId: 'gone' }]))

    const store = await createSqliteDocumentStore({ file })
    expect(await store.load('gone')).toEqual([])
    expect(await store.listSnapshots('gone')).toEqual([])
    await store.close()
    const db = new Database(file, { readonly: true })
    expect(db.prepare("SELECT COUNT(*) FROM board_updates WHERE board_id = 'gone'").pluck().get()).toBe(0)
    db.close()
  })
})
