/**
 * Importing a board file: a tldraw file (.tldr) or one of our archives (a zip holding
 * board.tldr and the uploads). Everything in it is hostile until checked: the size before
 * and after unzipping, the JSON, the schema it was written with (migrated to ours), every
 * record against tldraw's validators, parent chains, and the uploads' contents. Any
 * problem refuses the whole file with a message saying what was wrong; nothing is changed.
 *
 * What passes is remapped to fresh ids (so importing twice, or into the board it came
 * from, never collides) and returned as records ready to add as new pages.
 */
import { createTLSchema, type TLRecord } from '@tldraw/tlschema'
import { getIndicesAbove, type IndexKey } from '@tldraw/utils'
import { unzipSync, strFromU8 } from 'fflate'
import { createHash, randomUUID } from 'node:crypto'
import { sniffMediaType } from '../storage/mediaType.ts'
import type { StoredRecord } from './boardDocument.ts'

export class ImportError extends Error {
  override readonly name = 'ImportError'
  constructor(
    readonly code: 'too_large' | 'not_a_board' | 'invalid' | 'unsupported',
    message: string,
  ) {
    super(message)
  }
}

export const MAX_IMPORT_RECORDS = 20_000
/** Everything an archive may unpack to, in bytes (a zip bomb is refused before unpacking). */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024

export type ParsedBoardFile = {
  records: TLRecord[]
  /** Uploads carried by the file, by SHA-256 of their content. */
  assets: Map<string, Uint8Array>
  title?: string
}

const schema = createTLSchema()
const DOCUMENT_TYPES = new Set(['document', 'page', 'shape', 'binding', 'asset'])

function isZip(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
}

export function parseBoardFile(bytes: Uint8Array, maxBytes: number): ParsedBoardFile {
  if (bytes.byteLength > maxBytes) throw new ImportError('too_large', `The file is larger than ${maxBytes} bytes`)
  if (bytes.byteLength === 0) throw new ImportError('not_a_board', 'The file is empty')
  if (isZip(bytes)) return parseArchive(bytes)
  return { records: parseTldr(bytes), assets: new Map() }
}

function parseArchive(bytes: Uint8Array): ParsedBoardFile {
  let unpacked = 0
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        unpacked += file.originalSize
        if (unpacked > MAX_UNPACKED_BYTES) throw new ImportError('too_large', 'The archive unpacks to more than the limit')
        return file.name === 'board.tldr' || file.name === 'metadata.json' || /^assets\/[0-9a-f]{64}(\.\w+)?$/.test(file.name)
      },
    })
  } catch (error) {
    if (error instanceof ImportError) throw error
    throw new ImportError('not_a_board', 'The archive is damaged and cannot be opened')
  }
  const board = files['board.tldr']
  if (!board) throw new ImportError('not_a_board', 'The archive has no board.tldr: it is not a board archive')
  const assets = new Map<string, Uint8Array>()
  for (const [name, content] of Object.entries(files)) {
    const match = /^assets\/([0-9a-f]{64})/.exec(name)
    if (!match?.[1]) continue
    // The name must be the content's hash: a tampered upload is refused, not trusted.
    const hash = createHash('sha256').update(content).digest('hex')
    if (hash !== match[1]) throw new ImportError('invalid', `The upload ${name} does not match its name`)
    if (!sniffMediaType(content.subarray(0, 8192))) throw new ImportError('invalid', `The upload ${name} is not an image or video`)
    assets.set(hash, content)
  }
  let title: string | undefined
  const metadata = files['metadata.json']
  if (metadata) {
    try {
      const parsed = JSON.parse(strFromU8(metadata)) as { title?: unknown }
      if (typeof parsed.title === 'string') title = parsed.title.slice(0, 200)
    } catch {
      // Metadata is informative only; a board without it still imports.
    }
  }
  return { records: parseTldr(board), assets, ...(title ? { title } : {}) }
}

function parseTldr(bytes: Uint8Array): TLRecord[] {
  let file: unknown
  try {
    file = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new ImportError('not_a_board', 'The file is not a tldraw board (.tldr) or a board archive')
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new ImportError('not_a_board', 'The file is not a tldraw board (.tldr)')
  }
  const { tldrawFileFormatVersion, schema: fileSchema, records } = file as Record<string, unknown>
  if (typeof tldrawFileFormatVersion !== 'number' || !Array.isArray(records)) {
    throw new ImportError('not_a_board', 'The file is not a tldraw board (.tldr)')
  }
  if (tldrawFileFormatVersion > 1) throw new ImportError('unsupported', 'The file was made by a newer version of tldraw')
  if (records.length > MAX_IMPORT_RECORDS) throw new ImportError('too_large', `The board has more than ${MAX_IMPORT_RECORDS} items`)
  const store: Record<string, unknown> = {}
  for (const record of records) {
    if (typeof record !== 'object' || record === null) throw new ImportError('invalid', 'The file contains an item that is not a record')
    const { id, typeName } = record as { id?: unknown; typeName?: unknown }
    if (typeof id !== 'string' || typeof typeName !== 'string') throw new ImportError('invalid', 'The file contains an item without an id')
    // Session records (cameras, pointers, the editor's state) belong to whoever saved the
    // file, not to the board.
    if (!DOCUMENT_TYPES.has(typeName)) continue
    if (Object.hasOwn(store, id)) throw new ImportError('invalid', `The file contains ${id} twice`)
    store[id] = record
  }
  if (typeof fileSchema !== 'object' || fileSchema === null) throw new ImportError('invalid', 'The file does not say which version wrote it')
  const migrated = schema.migrateStoreSnapshot({ store: store as never, schema: fileSchema as never })
  if (migrated.type !== 'success') {
    throw new ImportError(migrated.reason === 'target-version-too-old' ? 'unsupported' : 'invalid', 'The file could not be brought to this version')
  }
  const out: TLRecord[] = []
  for (const record of Object.values(migrated.value) as TLRecord[]) {
    const type = schema.types[record.typeName as keyof typeof schema.types]
    try {
      out.push(type.validate(record) as TLRecord)
    } catch (error) {
      throw new ImportError('invalid', `The file contains an invalid ${record.typeName} (${record.id}): ${String((error as Error).message).slice(0, 200)}`)
    }
  }
  assertNoParentCycles(out)
  return out
}

function assertNoParentCycles(records: TLRecord[]): void {
  const parent = new Map<string, string>()
  for (const r of records) if (r.typeName === 'shape') parent.set(r.id, r.parentId)
  for (const start of parent.keys()) {
    const seen = new Set<string>()
    let at: string | undefined = start
    while (at !== undefined && parent.has(at)) {
      if (seen.has(at)) throw new ImportError('invalid', `The file contains shapes that are their own parents (${start})`)
      seen.add(at)
      at = parent.get(at)
    }
  }
}

/**
 * The imported records as new pages after `existingPageIndexes`, every id fresh, references
 * (parents, bindings, assets) followed, asset sources pointed at `assetSrc(hash)` when the
 * upload is carried by the file or already stored, and dropped otherwise (never a request to
 * another host). The file's document record is kept only for a new board.
 */
export function remapForImport(
  records: readonly TLRecord[],
  options: {
    existingPageIndexes: readonly string[]
    /** src for an upload the board has (by hash), or undefined. */
    assetSrc: (hash: string) => string | undefined
    /** Hash of an upload carried inside the file as a data: URL, once stored. */
    storeDataUrl: (dataUrl: string) => string | undefined
    keepDocument: boolean
    pageSuffix?: string
  },
): StoredRecord[] {
  const fresh = new Map<string, string>()
  const newId = (id: string) => {
    let next = fresh.get(id)
    if (!next) {
      const prefix = id.slice(0, id.indexOf(':') + 1)
      next = `${prefix}${randomUUID().replace(/-/g, '').slice(0, 20)}`
      fresh.set(id, next)
    }
    return next
  }
  const map = (id: unknown) => (typeof id === 'string' && fresh.has(id) ? fresh.get(id) : id)
  for (const r of records) if (r.typeName !== 'document') newId(r.id)

  const pages = records.filter((r) => r.typeName === 'page').sort((a, b) => ((a as { index: string }).index < (b as { index: string }).index ? -1 : 1))
  const last = [...options.existingPageIndexes].sort().at(-1) as IndexKey | undefined
  const indexes = getIndicesAbove(last ?? null, pages.length)
  const pageIndex = new Map<string, IndexKey | undefined>(pages.map((p, i) => [p.id, indexes[i]]))

  const out: StoredRecord[] = []
  for (const r of records) {
    const record = structuredClone(r) as unknown as Record<string, unknown> & { id: string; typeName: string }
    if (record.typeName === 'document') {
      if (options.keepDocument) out.push(record as StoredRecord)
      continue
    }
    record.id = map(record.id) as string
    if (record.typeName === 'page') {
      record.index = pageIndex.get(r.id)
      if (options.pageSuffix) record.name = `${String(record.name)}${options.pageSuffix}`
    }
    if (record.typeName === 'shape') {
      record.parentId = map(record.parentId)
      const props = record.props as Record<string, unknown>
      if ('assetId' in props) props.assetId = map(props.assetId) ?? null
    }
    if (record.typeName === 'binding') {
      record.fromId = map(record.fromId)
      record.toId = map(record.toId)
    }
    if (record.typeName === 'asset') {
      const props = record.props as Record<string, unknown>
      props.src = resolveAssetSrc(props.src, options)
    }
    out.push(record as StoredRecord)
  }
  return out
}

function resolveAssetSrc(
  src: unknown,
  options: { assetSrc: (hash: string) => string | undefined; storeDataUrl: (dataUrl: string) => string | undefined },
): string | null {
  if (typeof src !== 'string') return null
  const ours = /\/api\/boards\/[A-Za-z0-9_-]{16}\/assets\/([0-9a-f]{64})$/.exec(src)
  if (ours?.[1]) return options.assetSrc(ours[1]) ?? null
  if (src.startsWith('data:')) {
    const hash = options.storeDataUrl(src)
    return hash ? (options.assetSrc(hash) ?? null) : null
  }
  return null
}

/** The bytes of a base64 data: URL, or undefined when it is not one. */
export function dataUrlBytes(dataUrl: string): Uint8Array | undefined {
  const match = /^data:[^;,]*;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl)
  return match?.[1] ? new Uint8Array(Buffer.from(match[1], 'base64')) : undefined
}
