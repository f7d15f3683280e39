/**
 * The board registry on lowdb (file and memory), and the hashing of role keys.
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../server/storage/DocumentStore.ts'
import { createLowdbRegistry, createMemoryRegistry } from '../../server/storage/LowdbRegistry.ts'
import type { BoardRecord, Registry } from '../../server/storage/Registry.ts'
import { hashKey, keyMatches } from '../../server/storage/keys.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'

function boardRecord(id: string, overrides: Partial<BoardRecord> = {}): BoardRecord {
  return {
    id,
    title: `Board ${id}`,
    createdAt: '2025-01-01T10:00:00.000Z',
    lastActiveAt: '2025-01-01T10:00:00.000Z',
    locked: false,
    keyHashes: { facilitator: hashKey(`f-${id}`), editor: hashKey(`e-${id}`) },
    ...overrides,
  }
}

function describeRegistry(name: string, open: () => Promise<{ registry: Registry; dispose(): Promise<void> }>): void {
  describe(`${name}, as every registry`, () => {
    let registry: Registry
    let dispose: () => Promise<void>

    beforeEach(async () => {
      ;({ registry, dispose } = await open())
    })
    afterEach(() => dispose())

    it('gives back a board it created', async () => {
      await registry.create(boardRecord('b1'))
      expect(await registry.get('b1')).toEqual(boardRecord('b1'))
    })

    it('knows nothing of a board never created', async () => {
      expect(await registry.get('nope')).toBeUndefined()
      expect(await registry.update('nope', { locked: true })).toBeUndefined()
      expect(await registry.delete('nope')).toBe(false)
    })

    it('refuses to create a board whose id exists, and keeps the first', async () => {
      await registry.create(boardRecord('b1'))
      await expect(registry.create(boardRecord('b1', { title: 'Other' }))).rejects.toMatchObject({
        name: 'StorageError',
        code: 'conflict',
      })
      expect((await registry.get('b1'))?.title).toBe('Board b1')
    })

    it('updates only the fields it is given and returns the updated board', async () => {
      await registry.create(boardRecord('b1'))
      const updated = await registry.update('b1', { locked: true, lastActiveAt: '2025-02-01T00:00:00.000Z' })
      expect(updated).toEqual(boardRecord('b1', { locked: true, lastActiveAt: '2025-02-01T00:00:00.000Z' }))
      expect(await registry.get('b1')).toEqual(updated)
    })

    it('never lets a patch change the id', async () => {
      await registry.create(boardRecord('b1'))
      await registry.update('b1', { id: 'b2' } as Partial<BoardRecord>)
      expect(await registry.get('b1')).toBeDefined()
      expect(await registry.get('b2')).toBeUndefined()
    })

    it('deletes a board and says it did', async () => {
      await registry.create(boardRecord('b1'))
      expect(await registry.delete('b1')).toBe(true)
      expect(await registry.get('b1')).toBeUndefined()
    })

    it('lists every board', async () => {
      await Promise.all(['b1', 'b2', 'b3'].map((id) => registry.create(boardRecord(id))))
      await registry.delete('b2')
      const ids = (await registry.list()).map((board) => board.id)
      expect(ids.sort()).toEqual(['b1', 'b3'])
    })

    it('hands out copies: editing one changes nothing stored', async () => {
      await registry.create(boardRecord('b1'))
      const got = await registry.get('b1')
      got!.keyHashes.editor = 'tampered'
      const [listed] = await registry.list()
      listed!.title = 'tampered'
      expect(await registry.get('b1')).toEqual(boardRecord('b1'))
    })

    it('applies concurrent updates one after the other, losing none', async () => {
      await registry.create(boardRecord('b1'))
      await Promise.all([
        registry.update('b1', { title: 'T' }),
        registry.update('b1', { locked: true }),
        registry.create(boardRecord('b2')),
      ])
      expect(await registry.get('b1')).toMatchObject({ title: 'T', locked: true })
      expect(await registry.get('b2')).toBeDefined()
    })
  })
}

describeRegistry('the memory registry', async () => ({
  registry: await createMemoryRegistry(),
  dispose: async () => {},
}))

describeRegistry('the lowdb registry', async () => {
  const dir = await createTmpDir()
  return { registry: await createLowdbRegistry({ file: dir.file('registry.json') }), dispose: () => dir.remove() }
})

describe('the lowdb registry file', () => {
  let dir: TmpDir
  let file: string

  beforeEach(async () => {
    dir = await createTmpDir()
    file = dir.file('registry.json')
  })
  afterEach(() => dir.remove())

  it('keeps the boards when reopened', async () => {
    const first = await createLowdbRegistry({ file })
    await first.create(boardRecord('b1'))
    await first.create(boardRecord('b2'))
    await first.update('b1', { locked: true })
    await first.delete('b2')

    const second = await createLowdbRegistry({ file })
    expect(await second.list()).toEqual([boardRecord('b1', { locked: true })])
  })

  it('is readable JSON holding hashes of the keys, never the keys', async () => {
    const registry = await createLowdbRegistry({ file })
    await registry.create(boardRecord('b1'))

    const text = await readFile(file, 'utf8')
    expect(JSON.parse(text)).toEqual({ version: 1, boards: [boardRecord('b1')] })
    expect(text).toContain('\n  ')
    expect(text).not.toContain('f-b1')
  })

  it('refuses a file that is not a registry', async () => {
    const registry = await createLowdbRegistry({ file })
    await registry.create(boardRecord('b1'))
    await writeFile(file, '{ "boards": [')

    await expect(createLowdbRegistry({ file })).rejects.toSatisfy(
      (error) => error instanceof StorageError && error.code === 'corrupt',
    )
  })
})

describe('role keys', () => {
  const key = randomBytes(24).toString('base64url')

  it('are stored as a hash that is not the key', () => {
    const hash = hashKey(key)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hash).not.toContain(key)
  })

  it('match their own hash', () => {
    expect(keyMatches(key, hashKey(key))).toBe(true)
  })

  it('do not match the hash of another key', () => {
    expect(keyMatches(key, hashKey(`${key}x`))).toBe(false)
  })

  it('do not match a hash of the wrong length or form, without throwing', () => {
    const hash = hashKey(key)
    expect(keyMatches(key, hash.slice(0, 62))).toBe(false)
    expect(keyMatches(key, `${hash}00`)).toBe(false)
    expect(keyMatches(key, '')).toBe(false)
    expect(keyMatches(key, 'z'.repeat(64))).toBe(false)
  })
})
