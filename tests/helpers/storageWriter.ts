/**
 * The child process of the storage crash test: appends Yjs updates to a SQLite document store
 * as fast as it can, in concurrent batches, compacting now and then, and prints
 * `committed <seq> <key>` for each append once its promise resolved, and `compacting` just
 * before it replaces the log by the merged update. It runs until killed.
 *
 * Every update sets one key (`k0`, `k1`, ...) of the map `keys`, so the test can tell from the
 * stored state which acknowledged updates survived.
 *
 * Usage: node --import tsx tests/helpers/storageWriter.ts <file> <board id> <seed> [log segment bytes]
 * (small segments make the kill land while the update log starts and removes segments too)
 */
import * as Y from 'yjs'
import { createSqliteDocumentStore } from '../../server/storage/SqliteDocumentStore.ts'
import { mergeEntries } from '../../server/storage/compaction.ts'
import { seededRandom } from './seededRandom.ts'

const [file, boardId, seedText, segmentText] = process.argv.slice(2)
if (!file || !boardId || !seedText) {
  process.stderr.write('usage: storageWriter.ts <file> <board id> <seed>\n')
  process.exit(2)
}

const random = seededRandom(Number(seedText))
const store = await createSqliteDocumentStore({ file, ...(segmentText ? { logSegmentBytes: Number(segmentText) } : {}) })
const doc = new Y.Doc()
const keys = doc.getMap<string>('keys')
const updates: Uint8Array[] = []
doc.on('update', (update: Uint8Array) => updates.push(update))

for (let next = 0; ; ) {
  const batchSize = random.int(1, 16)
  const committed: Promise<void>[] = []
  for (let i = 0; i < batchSize; i++, next++) {
    const key = `k${next}`
    // Values of up to a few KB, so that a commit spans several pages of the WAL.
    keys.set(key, 'x'.repeat(random.int(0, 4096)))
    const update = updates.shift()!
    committed.push(
      store.append(boardId, update).then((seq) => {
        // A write to a pipe is synchronous on Linux: once this returns, the test can read it.
        process.stdout.write(`committed ${seq} ${key}\n`)
      }),
    )
  }
  // Compact now and then, before the batch has been acknowledged. The line lets the test kill
  // the process while it compacts, a window too short to hit often by chance.
  if (random.chance(0.2)) {
    const { merged, upTo } = mergeEntries(await store.load(boardId))
    process.stdout.write('compacting\n')
    await store.compact(boardId, merged, upTo)
  }
  await Promise.all(committed)
}
