/**
 * The board registry in one JSON file through lowdb: small, human readable, rarely written.
 * `createMemoryRegistry` is the same registry on lowdb's Memory adapter, for tests.
 *
 * Every operation runs in turn on one queue, so writes never overlap and a read never sees a
 * change whose write has not finished. A change is made on a copy of the data that replaces
 * it only once written: a failed write leaves the registry as the file is.
 */
import { Low, Memory, type Adapter } from 'lowdb'
import type { BoardRecord, Registry } from './Registry.ts'
import { StorageError } from './DocumentStore.ts'
import { DurableJsonFile } from './DurableJsonFile.ts'

/** The file's layout. A list rather than an object keyed by id: ids never become keys. */
interface RegistryData {
  version: 1
  boards: BoardRecord[]
}

export async function createLowdbRegistry({ file }: { file: string }): Promise<Registry> {
  return openRegistry(new DurableJsonFile<RegistryData>(file), file)
}

export async function createMemoryRegistry(): Promise<Registry> {
  return openRegistry(new Memory<RegistryData>(), 'memory')
}

async function openRegistry(adapter: Adapter<RegistryData>, where: string): Promise<Registry> {
  const db = new Low<RegistryData>(adapter, { version: 1, boards: [] })
  await db.read()
  if (db.data.version !== 1 || !Array.isArray(db.data.boards)) {
    throw new StorageError('corrupt', `${where} is not a board registry this version can read`)
  }

  let queue: Promise<unknown> = Promise.resolve()
  function inTurn<T>(operation: () => T | Promise<T>): Promise<T> {
    const result = queue.then(operation)
    queue = result.catch(() => undefined)
    return result
  }

  /** Runs `edit` on a copy of the data, and writes the copy if `edit` says it changed it. */
  function change<T>(edit: (data: RegistryData) => { result: T; changed: boolean }): Promise<T> {
    return inTurn(async () => {
      const before = db.data
      db.data = structuredClone(before)
      const { result, changed } = edit(db.data)
      if (!changed) {
        db.data = before
        return result
      }
      try {
        await db.write()
      } catch (error) {
        db.data = before
        throw error
      }
      return result
    })
  }

  const find = (id: string): BoardRecord | undefined => db.data.boards.find((board) => board.id === id)

  return {
    get(id) {
      return inTurn(() => {
        const board = find(id)
        return board && structuredClone(board)
      })
    },

    create(record) {
      return change((data) => {
        if (data.boards.some((board) => board.id === record.id)) {
          throw new StorageError('conflict', `a board with id ${record.id} exists`)
        }
        data.boards.push(structuredClone(record))
        return { result: undefined, changed: true }
      })
    },

    update(id, patch) {
      return change((data) => {
        const index = data.boards.findIndex((board) => board.id === id)
        const board = data.boards[index]
        if (!board) return { result: undefined, changed: false }
        // `id` last: the type forbids it in a patch, and at run time it must not move a board.
        const updated = { ...board, ...structuredClone(patch), id }
        data.boards[index] = updated
        return { result: structuredClone(updated), changed: true }
      })
    },

    delete(id) {
      return change((data) => {
        const before = data.boards.length
        data.boards = data.boards.filter((board) => board.id !== id)
        const removed = data.boards.length < before
        return { result: removed, changed: removed }
      })
    },

    list() {
      return inTurn(() => structuredClone(db.data.boards))
    },
  }
}
