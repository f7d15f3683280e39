/**
 * One contract suite for every board-document store, run against each backend, plus what
 * only the SQLite store promises (persistence, group commit, failed commits).
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { StorageError, type DocumentStore, type StoredEntry } from '../../server/storage/DocumentStore.ts'
import { createMemoryDocumentStore } from '../../server/storage/MemoryDocumentStore.ts'
import { createSqliteDocumentStore } from '../../server/storage/SqliteDocumentStore.ts'
import { mergeEntries } from '../../server/storage/compaction.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'

interface OpenedStore {
  store: DocumentStore
  dispose(): Promise<void>
}

/** A document edited `count` times (sets, overwrites, deletes), with the update of each edit. */
function editedDocument(count: number, clientName = 'a'): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const shapes = doc.getMap<{ x: number; label: string }>('shapes')
  for (let i = 0; i < count; i++) {
    const id = `shape:${clientName}${i % 5}`
    if (i % 7 === 6) shapes.delete(id)
    else shapes.set(id, { x: i, label: `edit ${i}` })
  }
  return { doc, updates }
}

function stateOf(entries: readonly StoredEntry[]): unknown {
  const doc = new Y.Doc()
  for (const entry of entries) Y.applyUpdate(doc, entry.update)
  const state = doc.getMap('shapes').toJSON()
  doc.destroy()
  return state
}

async function appendAll(store: DocumentStore, boardId: string, updates: readonly Uint8Array[]): Promise<number[]> {
  const seqs: number[] = []
  for (const update of updates) seqs.push(await store.append(boardId, update))
  return seqs
}

function expectClosedError(error: unknown): void {
  expect(error).toBeInstanceOf(StorageError)
  expect((error as StorageError).code).toBe('closed')
}

export function describeDocumentStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name}, as every document store`, () => {
    let store: DocumentStore
    let dispose: () => Promise<void>

    beforeEach(async () => {
      ;({ store, dispose } = await open())
    })
    afterEach(() => dispose())

    it('saves named versions, lists them newest first, loads them, and deletes them with the board', async () => {
      const first = new Uint8Array([1, 2, 3])
      const second = new Uint8Array([4, 5, 6, 7])
      await store.saveSnapshot('board-v', { id: 'v1', name: 'after stage mapping', createdAt: '2026-01-01T10:00:00.000Z', auto: false }, first)
      const meta = await store.saveSnapshot('board-v', { id: 'v2', name: 'auto', createdAt: '2026-01-01T10:05:00.000Z', auto: true }, second)
      expect(meta).toEqual({ id: 'v2', name: 'auto', createdAt: '2026-01-01T10:05:00.000Z', auto: true, bytes: 4 })
      first[0] = 99 // the store kept its own copy
      expect((await store.listSnapshots('board-v')).map((v) => v.id)).toEqual(['v2', 'v1'])
      expect(await store.loadSnapshot('board-v', 'v1')).toEqual(new Uint8Array([1, 2, 3]))
      expect(await store.loadSnapshot('board-v', 'nope')).toBeUndefined()
      expect(await store.listSnapshots('board-other')).toEqual([])
      await expect(
        store.saveSnapshot('board-v', { id: 'v1', name: 'again', createdAt: '2026-01-01T11:00:00.000Z', auto: false }, second),
      ).rejects.toMatchObject({ code: 'conflict' })
      await store.delete('board-v')
      expect(await store.listSnapshots('board-v')).toEqual([])
      expect(await store.loadSnapshot('board-v', 'v2')).toBeUndefined()
    })

    it('loads nothing for a board that was never written', async () => {
      expect(await store.load('board-never')).toEqual([])
      expect(await store.size('board-never')).toEqual({ entries: 0, bytes: 0 })
    })

    it('loads appended updates in the order they were appended, with increasing seqs', async () => {
      const { doc, updates } = editedDocument(10)
      const seqs = await appendAll(store, 'board-1', updates)

      const entries = await store.load('board-1')
      expect(entries.map((entry) => entry.update)).toEqual(updates)
      expect(entries.map((entry) => entry.seq)).toEqual(seqs)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(new Set(seqs).size).toBe(seqs.length)
      expect(stateOf(entries)).toEqual(doc.getMap('shapes').toJSON())
    })

    it('gives concurrent appends distinct seqs that increase in the order of the calls', async () => {
      const { updates } = editedDocument(50)
      const seqs = await Promise.all(updates.map((update) => store.append('board-1', update)))

      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!)
      const entries = await store.load('board-1')
      expect(entries.map((entry) => entry.seq)).toEqual(seqs)
      expect(entries.map((entry) => entry.update)).toEqual(updates)
    })

    it('keeps boards apart', async () => {
      const first = editedDocument(3, 'a')
      const second = editedDocument(4, 'b')
      await Promise.all([appendAll(store, 'board-1', first.updates), appendAll(store, 'board-2', second.updates)])

      expect(stateOf(await store.load('board-1'))).toEqual(first.doc.getMap('shapes').toJSON())
      expect(stateOf(await store.load('board-2'))).toEqual(second.doc.getMap('shapes').toJSON())
      expect((await store.size('board-1')).entries).toBe(3)
    })

    it('keeps the document state when compacting', async () => {
      const { doc, updates } = editedDocument(40)
      await appendAll(store, 'board-1', updates)

      const { merged, upTo } = mergeEntries(await store.load('board-1'))
      await store.compact('board-1', merged, upTo)

      const entries = await store.load('board-1')
      expect(entries).toEqual([{ seq: upTo, update: merged }])
      expect(stateOf(entries)).toEqual(doc.getMap('shapes').toJSON())
    })

    it('keeps the entries appended after the compacted range', async () => {
      const { doc, updates } = editedDocument(20)
      await appendAll(store, 'board-1', updates.slice(0, 12))
      const { merged, upTo } = mergeEntries(await store.load('board-1'))
      const later = await appendAll(store, 'board-1', updates.slice(12))

      await store.compact('board-1', merged, upTo)

      const entries = await store.load('board-1')
      expect(entries.map((entry) => entry.seq)).toEqual([upTo, ...later])
      expect(stateOf(entries)).toEqual(doc.getMap('shapes').toJSON())
    })

    it('keeps seqs increasing after compaction', async () => {
      const { updates } = editedDocument(6)
      const seqs = await appendAll(store, 'board-1', updates.slice(0, 3))
      const { merged, upTo } = mergeEntries(await store.load('board-1'))
      await store.compact('board-1', merged, upTo)

      const next = await store.append('board-1', updates[3]!)
      expect(next).toBeGreaterThan(Math.max(...seqs))

      // Compacting again, up to the previous merged entry only, keeps later seqs as they are.
      const again = await store.append('board-1', updates[4]!)
      await store.compact('board-1', merged, upTo)
      expect(await store.append('board-1', updates[5]!)).toBeGreaterThan(again)
    })

    it('reports the entries and bytes stored for a board', async () => {
      const { updates } = editedDocument(8)
      await appendAll(store, 'board-1', updates)
      const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0)
      expect(await store.size('board-1')).toEqual({ entries: 8, bytes })

      const { merged, upTo } = mergeEntries(await store.load('board-1'))
      const stored = await store.compact('board-1', merged, upTo)
      expect(stored).toBeGreaterThan(0)
      expect(await store.size('board-1')).toEqual({ entries: 1, bytes: stored })
    })

    it('deletes every entry of a board and nothing of another', async () => {
      await appendAll(store, 'board-1', editedDocument(5, 'a').updates)
      const { doc, updates } = editedDocument(5, 'b')
      await appendAll(store, 'board-2', updates)

      await store.delete('board-1')

      expect(await store.load('board-1')).toEqual([])
      expect(await store.size('board-1')).toEqual({ entries: 0, bytes: 0 })
      expect(stateOf(await store.load('board-2'))).toEqual(doc.getMap('shapes').toJSON())
    })

    it('stores a copy of the update it is given, so callers may reuse their buffer', async () => {
      const buffer = Uint8Array.from([1, 2, 3])
      const appended = store.append('board-1', buffer)
      buffer.fill(9)
      await appended

      const [entry] = await store.load('board-1')
      expect(entry?.update).toEqual(Uint8Array.from([1, 2, 3]))
    })

    it('hands out entries whose editing changes nothing stored', async () => {
      await store.append('board-1', Uint8Array.from([1, 2, 3]))
      const [loaded] = await store.load('board-1')
      loaded?.update.fill(9)

      const [again] = await store.load('board-1')
      expect(again?.update).toEqual(Uint8Array.from([1, 2, 3]))
    })

    it('commits an append made just before close', async () => {
      const appended = store.append('board-1', editedDocument(1).updates[0]!)
      await store.close()
      await expect(appended).resolves.toBeTypeOf('number')
    })

    it('can be closed twice', async () => {
      await store.close()
      await expect(store.close()).resolves.toBeUndefined()
    })

    it('rejects every operation after close with a StorageError "closed"', async () => {
      await store.close()
      const operations = [
        store.load('board-1'),
        store.append('board-1', Uint8Array.from([0])),
        store.compact('board-1', Uint8Array.from([0]), 1),
        store.size('board-1'),
        store.delete('board-1'),
      ]
      for (const operation of operations) await operation.then(() => expect.fail('resolved'), expectClosedError)
    })
  })
}

describeDocumentStoreContract('MemoryDocumentStore', async () => {
  const store = createMemoryDocumentStore()
  return { store, dispose: () => store.close() }
})

describeDocumentStoreContract('SqliteDocumentStore', async () => {
  const dir = await createTmpDir()
  const store = await createSqliteDocumentStore({ file: dir.file('boards.sqlite'), log: pino({ level: 'silent' }) })
  return {
    store,
    dispose: async () => {
      await store.close()
      await dir.remove()
    },
  }
})

describe('SqliteDocumentStore', () => {
  let dir: TmpDir
  let file: string

  beforeEach(async () => {
    dir = await createTmpDir()
    file = dir.file('boards.sqlite')
  })
  afterEach(() => dir.remove())

  it('keeps its entries when the file is reopened', async () => {
    const { doc, updates } = editedDocument(12)
    const first = await createSqliteDocumentStore({ file })
    await appendAll(first, 'board-1', updates)
    const before = await first.load('board-1')
    await first.close()

    const second = await createSqliteDocumentStore({ file })
    const after = await second.load('board-1')
    await second.close()

    expect(after).toEqual(before)
    expect(stateOf(after)).toEqual(doc.getMap('shapes').toJSON())
  })

  it('continues seqs after reopening, after compaction too', async () => {
    const { updates } = editedDocument(6)
    const first = await createSqliteDocumentStore({ file })
    const seqs = await appendAll(first, 'board-1', updates.slice(0, 5))
    const { merged } = mergeEntries((await first.load('board-1')).slice(0, 3))
    await first.compact('board-1', merged, seqs[2]!)
    await first.close()

    const second = await createSqliteDocumentStore({ file })
    const next = await second.append('board-1', updates[5]!)
    await second.close()

    expect(next).toBeGreaterThan(Math.max(...seqs))
  })

  it('has an append made just before close on disk once close resolves', async () => {
    const first = await createSqliteDocumentStore({ file, groupCommitMs: 1_000 })
    const update = editedDocument(1).updates[0]!
    void first.append('board-1', update)
    await first.close()

    const second = await createSqliteDocumentStore({ file })
    expect(await second.load('board-1')).toEqual([{ seq: 1, update }])
    await second.close()
  })

  it('commits many concurrent appends in fewer transactions than appends', async () => {
    const store = await createSqliteDocumentStore({ file })
    const { updates } = editedDocument(200)
    await Promise.all(updates.map((update, i) => store.append(`board-${i % 3}`, update)))

    const { commits, appends } = store.stats()
    await store.close()

    expect(appends).toBe(200)
    expect(commits).toBeGreaterThanOrEqual(1)
    expect(commits).toBeLessThan(appends)
  })

  it('commits at once when the appends waiting reach groupCommitBytes, without waiting out the window', async () => {
    // A window no test outlives: only the byte threshold can commit these.
    const store = await createSqliteDocumentStore({ file, groupCommitMs: 1_000_000, groupCommitBytes: 64 })
    const big = new Uint8Array(40).fill(1)
    const seqs = await Promise.all([store.append('board-1', big), store.append('board-1', big)])
    const { commits } = store.stats()
    await store.close()

    expect(seqs).toEqual([1, 2])
    expect(commits).toBe(1)
  })

  it('rejects every append of a commit that failed, and keeps working afterwards', async () => {
    // A full disk, for real: the store runs in a process whose files may not grow past 128 KB
    // (`ulimit -f`; Node ignores the SIGXFSZ that comes with it), and one commit holds an
    // update too large for that, with another board's update beside it.
    const storeModule = path.resolve(import.meta.dirname, '../../server/storage/SqliteDocumentStore.ts')
    const script = `
      import { randomBytes } from 'node:crypto'
      const { createSqliteDocumentStore } = await import(${JSON.stringify(storeModule)})
      const logged = []
      const log = { warn: () => {}, error: (obj, msg) => logged.push(msg) }
      const store = await createSqliteDocumentStore({ file: ${JSON.stringify(file)}, log })
      const results = await Promise.allSettled([
        store.append('poisoned', randomBytes(200 * 1024)),
        store.append('healthy', new Uint8Array([7, 7, 7])),
      ])
      const out = {
        results: results.map((r) => r.status === 'rejected' ? { rejected: r.reason.name, code: r.reason.code } : { fulfilled: r.value }),
        logged,
        loaded: await store.load('healthy'),
        again: await store.append('healthy', new Uint8Array([7, 7, 7])),
      }
      await store.close()
      const reopened = await createSqliteDocumentStore({ file: ${JSON.stringify(file)} })
      out.reopened = { healthy: (await reopened.load('healthy')).map((e) => e.seq), poisoned: (await reopened.load('poisoned')).length }
      await reopened.close()
      console.log(JSON.stringify(out))
    `
    const { stdout } = await promisify(execFile)(
      'bash',
      ['-c', 'ulimit -f 128 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script],
      { cwd: path.resolve(import.meta.dirname, '../..'), timeout: 30_000 },
    )
    const out = JSON.parse(stdout.trim()) as Record<string, unknown>
    expect(out.results).toEqual([
      { rejected: 'StorageError', code: 'io' },
      { rejected: 'StorageError', code: 'io' },
    ])
    expect(out.logged).toEqual(['group commit failed'])
    expect(out.loaded).toEqual([])
    expect(out.again).toBe(1)
    expect(out.reopened).toEqual({ healthy: [1], poisoned: 0 })
  })

  it('opens a file of the previous layout (version 2) with every entry, seqs continuing', async () => {
    const { doc, updates } = editedDocument(8)
    const old = new Database(file)
    old.exec(`
      CREATE TABLE board_updates (board_id TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (board_id, seq));
      CREATE TABLE board_snapshots (board_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL,
        auto INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (board_id, id));
    `)
    const insert = old.prepare('INSERT INTO board_updates (board_id, seq, data) VALUES (?, ?, ?)')
    updates.forEach((update, i) => insert.run(i % 2 === 0 ? 'board-a' : 'board-b', 10 + i, update))
    old.pragma('user_version = 2')
    old.close()

    const store = await createSqliteDocumentStore({ file })
    const a = await store.load('board-a')
    const b = await store.load('board-b')
    const next = await store.append('board-a', editedDocument(1, 'z').updates[0]!)
    await store.close()

    expect(a.map((entry) => entry.seq)).toEqual([10, 12, 14, 16])
    expect(b.map((entry) => entry.seq)).toEqual([11, 13, 15, 17])
    expect(stateOf([...a, ...b])).toEqual(doc.getMap('shapes').toJSON())
    expect(next).toBe(17)
    // The old table's columns stay readable, as a view, for tools that query them.
    const reader = new Database(file, { readonly: true })
    const rows = reader.prepare('SELECT board_id, seq FROM board_updates ORDER BY board_id, seq').all()
    reader.close()
    expect(rows).toHaveLength(9)
    expect(rows[0]).toEqual({ board_id: 'board-a', seq: 10 })
  })

  it('opens a file of layout 3 (state and versions stored plain, in the log) and compacts it compressed', async () => {
    const { doc, updates } = editedDocument(30)
    const { merged, upTo } = mergeEntries(updates.slice(0, 20).map((update, i) => ({ seq: i + 1, update })))
    const old = new Database(file)
    old.exec(`
      CREATE TABLE board_numbers (num INTEGER PRIMARY KEY, board_id TEXT NOT NULL UNIQUE);
      CREATE TABLE board_log (key INTEGER PRIMARY KEY, data BLOB NOT NULL);
      CREATE TABLE board_snapshots (board_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL,
        auto INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (board_id, id));
      CREATE VIEW board_updates AS SELECT n.board_id AS board_id, l.key - n.num * 4294967296 AS seq, l.data AS data
        FROM board_numbers n JOIN board_log l ON l.key BETWEEN n.num * 4294967296 AND n.num * 4294967296 + 4294967295;
      INSERT INTO board_numbers (num, board_id) VALUES (1, 'board-1');
    `)
    const insert = old.prepare('INSERT INTO board_log (key, data) VALUES (?, ?)')
    insert.run(4294967296 + upTo, merged)
    updates.slice(20).forEach((update, i) => insert.run(4294967296 + upTo + 1 + i, update))
    old.prepare("INSERT INTO board_snapshots VALUES ('board-1', 'v1', 'Before', '2026-01-01T00:00:00.000Z', 0, ?)").run(merged)
    old.pragma('user_version = 3')
    old.close()

    const store = await createSqliteDocumentStore({ file })
    const loaded = await store.load('board-1')
    expect(loaded.map((entry) => entry.seq)).toEqual(Array.from({ length: 11 }, (_, i) => upTo + i))
    expect(stateOf(loaded)).toEqual(doc.getMap('shapes').toJSON())
    expect(await store.loadSnapshot('board-1', 'v1')).toEqual(merged)
    expect(await store.append('board-1', editedDocument(1, 'z').updates[0]!)).toBe(upTo + 11)

    const again = mergeEntries(await store.load('board-1'))
    const stored = await store.compact('board-1', again.merged, again.upTo)
    // The state compresses (the shapes repeat their keys); the version saved now too.
    expect(stored).toBeLessThan(again.merged.byteLength / 2)
    const version = await store.saveSnapshot('board-1', { id: 'v2', name: 'After', createdAt: '2026-01-02T00:00:00.000Z', auto: false }, again.merged)
    expect(version.bytes).toBeLessThan(again.merged.byteLength / 2)
    expect((await store.listSnapshots('board-1')).map((v) => v.bytes)).toEqual([version.bytes, merged.byteLength])
    expect(await store.loadSnapshot('board-1', 'v2')).toEqual(again.merged)
    expect(await store.load('board-1')).toEqual([{ seq: again.upTo, update: again.merged }])
    expect(await store.append('board-1', editedDocument(1, 'y').updates[0]!)).toBe(again.upTo + 1)
    await store.close()

    const reader = new Database(file, { readonly: true })
    const rows = reader.prepare<[], { seq: number; bytes: number }>("SELECT seq, LENGTH(data) AS bytes FROM board_updates WHERE board_id = 'board-1' ORDER BY seq").all()
    reader.close()
    expect(rows).toEqual([{ seq: again.upTo, bytes: stored }, { seq: again.upTo + 1, bytes: expect.any(Number) }])
  })

  it('says the stored state is unreadable, rather than loading part of a board, when its bytes are damaged', async () => {
    const { updates } = editedDocument(10)
    const store = await createSqliteDocumentStore({ file })
    await appendAll(store, 'board-1', updates)
    const { merged, upTo } = mergeEntries(await store.load('board-1'))
    await store.compact('board-1', merged, upTo)
    await store.close()
    const db = new Database(file)
    db.prepare('UPDATE board_states SET data = ?').run(Buffer.from('not deflate at all, not at all'))
    db.close()

    const reopened = await createSqliteDocumentStore({ file })
    await expect(reopened.load('board-1')).rejects.toMatchObject({ name: 'StorageError', code: 'corrupt' })
    // Other boards are not affected.
    expect(await reopened.append('board-2', updates[0]!)).toBe(1)
    await reopened.close()
  })

  it('lets a process end once its appends are answered, closed or not: its thread holds nothing open', async () => {
    const storeModule = path.resolve(import.meta.dirname, '../../server/storage/SqliteDocumentStore.ts')
    const script = `
      const { createSqliteDocumentStore } = await import(${JSON.stringify(storeModule)})
      const closed = await createSqliteDocumentStore({ file: ${JSON.stringify(file)} })
      await closed.append('board-1', new Uint8Array([1]))
      await closed.close()
      const open = await createSqliteDocumentStore({ file: ${JSON.stringify(file)} })
      console.log('seq', await open.append('board-1', new Uint8Array([2])))
    `
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      timeout: 30_000,
    })
    expect(stdout.trim()).toBe('seq 2')
  })

  it('refuses a file written by a newer version of the store', async () => {
    const newer = new Database(file)
    newer.pragma('user_version = 99')
    newer.close()

    await expect(createSqliteDocumentStore({ file })).rejects.toMatchObject({ name: 'StorageError', code: 'corrupt' })
  })
})
