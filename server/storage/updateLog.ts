/**
 * The update log: every board's Yjs updates, appended to one file per segment, one frame per
 * group commit, fsynced before the commit is acknowledged. Used by the storage worker
 * (sqliteWorker.ts), which keeps each board's compacted state in SQLite.
 *
 * Why not a table: a commit to SQLite writes every page it touches to the WAL (a board's last
 * page, its parents, the header) and each again into the database at checkpoint, and the
 * kernel counts a 4 KiB page for each page-cache page dirtied: measured on the storage
 * benchmark (5 boards, 150 updates of ~440 bytes a second, 50 ms commits), 4.4x the updates'
 * bytes written to disk. Here a commit is one sequential write of its updates, compressed
 * together (they repeat the same record keys), and one fdatasync.
 *
 * A frame: magic (4 bytes), payload length (4), CRC-32 of the payload (4), then the payload,
 * deflated: records, each `kind` (1 byte) and the board id (varuint length + UTF-8), then for
 * an update its seq (varuint) and bytes (varuint length + bytes); a deletion has nothing more.
 * A crash can leave a frame half written at the end of a segment; reading stops at the first
 * frame that is incomplete or fails its checksum, and nothing after it was ever acknowledged
 * (after a failed write the log moves to a new segment rather than appending behind it).
 *
 * Segments are numbered files in the log's folder. One is written at a time; a full one is
 * left as it is, and removed once every update in it is obsolete (its board compacted past it,
 * its updates moved into the database, or the board deleted) and no deletion record in it is
 * still needed. Only the oldest segments are removed, so a deletion record outlives every
 * segment before it that holds the board's updates. (`purge` removes them all at once when a
 * board is deleted.)
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

const MAGIC = 0x43444c31 // "CDL1"
const MAGIC_BYTES = Buffer.alloc(4)
MAGIC_BYTES.writeUInt32LE(MAGIC)
const HEADER_BYTES = 12
const enum Kind {
  update = 1,
  deletion = 2,
}
const SEGMENT_PATTERN = /^(\d{8,})\.log$/

/** A new segment is started once the current one holds this much. */
const SEGMENT_BYTES = 4 * 1024 * 1024

export interface LogUpdate {
  boardId: string
  seq: number
  update: Uint8Array
}

export type LogRecord = ({ kind: 'update' } & LogUpdate) | { kind: 'deletion'; boardId: string }

/** Where an update is: its frame, and the update's own size (for size accounting). */
interface UpdateRef {
  seq: number
  segment: number
  offset: number
  frameBytes: number
  bytes: number
}

/** A frame that could be read, with where it is. */
interface ReadFrame {
  offset: number
  frameBytes: number
  records: LogRecord[]
}

export class LogCorruptError extends Error {}

function segmentName(num: number): string {
  return `${String(num).padStart(8, '0')}.log`
}

export function encodeFrame(records: readonly LogRecord[]): Uint8Array {
  const encoder = encoding.createEncoder()
  for (const record of records) {
    encoding.writeUint8(encoder, record.kind === 'update' ? Kind.update : Kind.deletion)
    encoding.writeVarString(encoder, record.boardId)
    if (record.kind === 'update') {
      encoding.writeVarUint(encoder, record.seq)
      encoding.writeVarUint8Array(encoder, record.update)
    }
  }
  const payload = zlib.deflateRawSync(encoding.toUint8Array(encoder), { level: 6 })
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength)
  frame.writeUInt32LE(MAGIC, 0)
  frame.writeUInt32LE(payload.byteLength, 4)
  frame.writeUInt32LE(zlib.crc32(payload), 8)
  frame.set(payload, HEADER_BYTES)
  return frame
}

/** The frame's records, or undefined if `data` at `offset` does not hold a whole, intact frame. */
function decodeFrame(data: Uint8Array, offset: number): { records: LogRecord[]; frameBytes: number } | undefined {
  if (offset + HEADER_BYTES > data.byteLength) return undefined
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (view.readUInt32LE(offset) !== MAGIC) return undefined
  const length = view.readUInt32LE(offset + 4)
  const end = offset + HEADER_BYTES + length
  if (end > data.byteLength) return undefined
  const payload = view.subarray(offset + HEADER_BYTES, end)
  if (zlib.crc32(payload) !== view.readUInt32LE(offset + 8)) return undefined
  const records: LogRecord[] = []
  // The checksum matched: what follows can only fail through a bug or deliberate damage.
  try {
    const decoder = decoding.createDecoder(zlib.inflateRawSync(payload))
    while (decoding.hasContent(decoder)) {
      const kind = decoding.readUint8(decoder)
      const boardId = decoding.readVarString(decoder)
      if (kind === Kind.update) {
        const seq = decoding.readVarUint(decoder)
        records.push({ kind: 'update', boardId, seq, update: decoding.readVarUint8Array(decoder) })
      } else if (kind === Kind.deletion) {
        records.push({ kind: 'deletion', boardId })
      } else {
        throw new Error(`unknown record kind ${kind}`)
      }
    }
  } catch (cause) {
    throw new LogCorruptError(`a frame at byte ${offset} has a valid checksum but cannot be read`, { cause })
  }
  return { records, frameBytes: end - offset }
}

/** Every intact frame of a segment's bytes, in order, and where the intact part ends. */
function readFrames(data: Uint8Array): { frames: ReadFrame[]; end: number } {
  const frames: ReadFrame[] = []
  let offset = 0
  for (;;) {
    const frame = decodeFrame(data, offset)
    if (!frame) return { frames, end: offset }
    frames.push({ offset, frameBytes: frame.frameBytes, records: frame.records })
    offset += frame.frameBytes
  }
}

/**
 * Whether an intact frame follows `from`. Only the last frame of a segment can be cut short
 * by a crash (each is fsynced before the next is written): an intact one after a damaged one
 * means the disk damaged the segment, and reading on past it would silently drop
 * acknowledged updates.
 */
function intactFrameAfter(data: Uint8Array, from: number): number | undefined {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  for (let at = view.indexOf(MAGIC_BYTES, from + 1); at !== -1; at = view.indexOf(MAGIC_BYTES, at + 1)) {
    try {
      if (decodeFrame(data, at)) return at
    } catch {
      // A checksum that matched by chance over bytes that are not a frame.
    }
  }
  return undefined
}

/** Writes all of `data` at `position` (explicitly: after a failed write the file offset is past the end). */
function writeFully(fd: number, data: Uint8Array, position: number): void {
  let written = 0
  while (written < data.byteLength) written += fs.writeSync(fd, data, written, data.byteLength - written, position + written)
}

function fsyncFolder(folder: string): void {
  const fd = fs.openSync(folder, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Thrown when another running process holds the data folder. */
export class LogLockedError extends Error {}

/**
 * Takes the log folder for this process: a second server on the same data folder would
 * otherwise move and remove the segments of the first, which hold edits it acknowledged.
 * The lock is SQLite's exclusive lock on a small file (`lock.sqlite`), a POSIX lock the
 * kernel releases when the process ends however it ends, so a killed server leaves no stale
 * lock, and two servers starting together cannot both get it.
 */
export function lockLogFolder(folder: string): () => void {
  fs.mkdirSync(folder, { recursive: true })
  const lock = new Database(path.join(folder, 'lock.sqlite'), { timeout: 0 })
  try {
    lock.pragma('locking_mode = EXCLUSIVE')
    // Nothing in it matters but the lock: no journal file beside it.
    lock.pragma('journal_mode = MEMORY')
    // The first write takes the exclusive lock; in this mode it is kept until closed.
    lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL); DELETE FROM holder;')
    lock.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid)
  } catch (error) {
    lock.close()
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new LogLockedError(`the data folder is in use by another server (${folder} is locked)`)
    }
    throw error
  }
  return () => lock.close()
}

/**
 * What a segment holds that is still needed: per board, its highest seq there (dropped once
 * obsolete), and deletion records whose database part is not done yet.
 */
interface Segment {
  num: number
  boards: Map<string, number>
  deletions: Set<string>
}

export interface RecoveredLog {
  /** Every segment's intact records, oldest first. */
  records: LogRecord[]
  /** Segments whose end was cut short (a crash during a write, or a write that failed). */
  torn: { segment: string; at: number; size: number }[]
}

/**
 * Every intact frame of every segment of the folder (created if missing), oldest first, and
 * the segments whose end was cut short. Reading stops at the first incomplete or damaged frame
 * of each segment; nothing after such a frame was ever acknowledged. Non-files (which cannot
 * have been written by this code) read as empty. Writes nothing (only creates the folder if
 * missing): also for tools and the benchmark.
 */
export function readLog(folder: string): { frames: (ReadFrame & { segment: string })[]; torn: RecoveredLog['torn'] } {
  fs.mkdirSync(folder, { recursive: true })
  const frames: (ReadFrame & { segment: string })[] = []
  const torn: RecoveredLog['torn'] = []
  for (const name of segmentNames(folder)) {
    const file = path.join(folder, name)
    if (!fs.statSync(file).isFile()) continue
    const data = fs.readFileSync(file)
    const read = readFrames(data)
    for (const frame of read.frames) frames.push({ ...frame, segment: name })
    if (read.end < data.byteLength) {
      const next = intactFrameAfter(data, read.end)
      if (next !== undefined) {
        throw new LogCorruptError(
          `${file} is damaged at byte ${read.end}, with intact updates after it (at byte ${next}); it needs a person to look at it`,
        )
      }
      torn.push({ segment: name, at: read.end, size: data.byteLength })
    }
  }
  return { frames, torn }
}

/** Every record the folder's segments hold, oldest first (see readLog). */
export function recoverLog(folder: string): RecoveredLog {
  const { frames, torn } = readLog(folder)
  return { records: frames.flatMap((frame) => frame.records), torn }
}

/** The folder's segment files, oldest (lowest number) first. */
function segmentNames(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => SEGMENT_PATTERN.test(name))
    .sort((a, b) => segmentNumber(a) - segmentNumber(b))
}

function segmentNumber(name: string): number {
  return Number(SEGMENT_PATTERN.exec(name)![1])
}

/**
 * The log as written from now on. Opened on an empty folder: the worker folds what
 * `recoverLog` found into SQLite first and then removes the old segments (see `reset`).
 */
export class UpdateLog {
  private readonly segments: Segment[] = []
  private fd: number | undefined
  private size = 0
  /** Per board, its updates in the log, in seq order (obsolete ones dropped as they become so). */
  private readonly refs = new Map<string, UpdateRef[]>()
  private nextSegment: number
  private closed = false

  /** Removes every segment of the folder and starts a new one. */
  static reset(folder: string, segmentBytes = SEGMENT_BYTES): UpdateLog {
    fs.mkdirSync(folder, { recursive: true })
    const names = segmentNames(folder)
    const last = names.length === 0 ? 0 : segmentNumber(names[names.length - 1]!)
    for (const name of names) fs.rmSync(path.join(folder, name), { force: true })
    if (names.length > 0) fsyncFolder(folder)
    return new UpdateLog(folder, last + 1, segmentBytes)
  }

  private constructor(
    private readonly folder: string,
    first: number,
    private readonly segmentBytes: number,
  ) {
    this.nextSegment = first
    this.startSegment()
  }

  /** Leaves the current segment as it is; the next write starts a new one. */
  private endSegment(): void {
    if (this.fd === undefined) return
    const fd = this.fd
    this.fd = undefined
    try {
      fs.closeSync(fd)
    } catch {
      // Its frames were fsynced; nothing to lose.
    }
  }

  private startSegment(): number {
    this.endSegment()
    const num = this.nextSegment++
    const fd = fs.openSync(path.join(this.folder, segmentName(num)), 'wx')
    try {
      // The new file's name must be durable before anything acknowledged lives in it.
      fsyncFolder(this.folder)
    } catch (error) {
      fs.closeSync(fd)
      throw error
    }
    this.fd = fd
    this.size = 0
    this.segments.push({ num, boards: new Map(), deletions: new Set() })
    return fd
  }

  /**
   * Writes the records as one frame and fsyncs it. If that fails, nothing of it counts: the
   * segment is cut back (or, if it cannot be, left for a new one) and the error thrown.
   */
  write(records: readonly LogRecord[]): void {
    if (records.length === 0) return
    if (this.closed) throw new Error('the update log is closed')
    const frame = encodeFrame(records)
    const fd = this.fd ?? this.startSegment()
    const segment = this.segments[this.segments.length - 1]!
    const offset = this.size
    try {
      writeFully(fd, frame, offset)
      fs.fdatasyncSync(fd)
    } catch (error) {
      // Never append behind a frame that may be half there (reading stops at it), nor to a file
      // whose fsync failed (the kernel reports that once and may have dropped its pages): cut
      // the frame off if possible, and continue in a new segment.
      try {
        fs.ftruncateSync(fd, offset)
        fs.fdatasyncSync(fd)
      } catch {
        // The frame may stay, unacknowledged; recovery reads it like any other (its updates
        // are ones the clients still hold and resend, and Yjs applies an update only once).
      }
      this.endSegment()
      throw error
    }
    this.size += frame.byteLength
    for (const record of records) {
      if (record.kind === 'deletion') continue
      segment.boards.set(record.boardId, Math.max(segment.boards.get(record.boardId) ?? 0, record.seq))
      let list = this.refs.get(record.boardId)
      if (!list) this.refs.set(record.boardId, (list = []))
      list.push({ seq: record.seq, segment: segment.num, offset, frameBytes: frame.byteLength, bytes: record.update.byteLength })
    }
    // The next write starts the next segment (a failure to create it is that write's).
    if (this.size >= this.segmentBytes) this.endSegment()
  }

  /** Boards with updates in the log. */
  boards(): string[] {
    return [...this.refs.keys()]
  }

  /** The board's updates still in the log (after its last compaction), in seq order. */
  refsOf(boardId: string): readonly UpdateRef[] {
    return this.refs.get(boardId) ?? []
  }

  /** Reads the board's updates from the log, in seq order. */
  read(boardId: string): { seq: number; update: Uint8Array }[] {
    const wanted = this.refsOf(boardId)
    const out: { seq: number; update: Uint8Array }[] = []
    const open = new Map<number, number>()
    try {
      let i = 0
      while (i < wanted.length) {
        const ref = wanted[i]!
        const file = path.join(this.folder, segmentName(ref.segment))
        let fd = open.get(ref.segment)
        if (fd === undefined) open.set(ref.segment, (fd = fs.openSync(file, 'r')))
        const data = Buffer.allocUnsafe(ref.frameBytes)
        const got = fs.readSync(fd, data, 0, ref.frameBytes, ref.offset)
        const frame = got === ref.frameBytes ? decodeFrame(data, 0) : undefined
        if (!frame) throw new LogCorruptError(`a frame of ${file} at byte ${ref.offset} cannot be read`)
        // Every update of this board in the frame.
        const seqs = new Set<number>()
        for (; i < wanted.length && wanted[i]!.segment === ref.segment && wanted[i]!.offset === ref.offset; i++) seqs.add(wanted[i]!.seq)
        for (const record of frame.records) {
          if (record.kind === 'update' && record.boardId === boardId && seqs.has(record.seq)) {
            out.push({ seq: record.seq, update: record.update })
          }
        }
      }
    } finally {
      for (const fd of open.values()) fs.closeSync(fd)
    }
    return out
  }

  /** The board's updates up to `seq` are obsolete (a compacted state holds them). */
  dropUpTo(boardId: string, seq: number): void {
    const list = this.refs.get(boardId)
    if (!list) return
    const kept = list.filter((ref) => ref.seq > seq)
    if (kept.length > 0) this.refs.set(boardId, kept)
    else this.refs.delete(boardId)
    for (const segment of this.segments) {
      const max = segment.boards.get(boardId)
      if (max !== undefined && max <= seq) segment.boards.delete(boardId)
    }
    this.trim()
  }

  /**
   * Records the board's deletion durably; its updates are then obsolete. The record is kept
   * (its segment stays) until `deletionDone`: until then, the next opening applies it. Says
   * up to which segment the board's updates were (see `purge`), if any still were.
   */
  deleteBoard(boardId: string): number | undefined {
    this.write([{ kind: 'deletion', boardId }])
    this.segments[this.segments.length - 1]!.deletions.add(boardId)
    this.refs.delete(boardId)
    let last: number | undefined
    for (const segment of this.segments) if (segment.boards.delete(boardId)) last = segment.num
    return last
  }

  /** The board's deletion is done everywhere else: its record is no longer needed. */
  deletionDone(boardId: string): void {
    for (const segment of this.segments) segment.deletions.delete(boardId)
    this.trim()
  }

  /** Boards with updates still needed in the segments up to `num`. */
  boardsUpTo(num: number): string[] {
    const boards = new Set<string>()
    for (const segment of this.segments) if (segment.num <= num) for (const boardId of segment.boards.keys()) boards.add(boardId)
    return [...boards]
  }

  /**
   * Removes the segments up to `num`, the one written to included (the next write starts a
   * new one), once nothing in them is needed: how a deleted board's updates leave the disk
   * at once rather than when the log gets round to it.
   */
  purge(num: number): void {
    const current = this.segments[this.segments.length - 1]
    if (current && current.num <= num) this.endSegment()
    this.trim()
  }

  /** Boards with updates in the oldest segment, if there are more than `segments` of them. */
  pinning(segments: number): string[] {
    if (this.segments.length <= segments) return []
    return [...this.segments[0]!.boards.keys()]
  }

  /**
   * Removes the oldest segments while nothing in them is needed (never one being written to).
   * Best effort: a segment that cannot be removed stays listed (so it is never skipped over,
   * which would leave it behind a removed deletion record), and is tried again next time.
   */
  private trim(): void {
    try {
      let removed = false
      const keep = this.fd === undefined ? 0 : 1
      while (this.segments.length > keep && this.segments[0]!.boards.size === 0 && this.segments[0]!.deletions.size === 0) {
        fs.rmSync(path.join(this.folder, segmentName(this.segments[0]!.num)), { force: true })
        this.segments.shift()
        removed = true
      }
      if (removed) fsyncFolder(this.folder)
    } catch {
      // Only disk space is at stake; the next compaction tries again.
    }
  }

  /** Segment count and bytes on disk, for tests and the benchmark. */
  stats(): { segments: number; bytes: number } {
    let bytes = 0
    for (const segment of this.segments) {
      try {
        bytes += fs.statSync(path.join(this.folder, segmentName(segment.num))).size
      } catch {
        // Removed meanwhile.
      }
    }
    return { segments: this.segments.length, bytes }
  }

  /** Closes the log; `remove` also removes its segments (once what they hold is elsewhere). */
  close(remove = false): void {
    this.closed = true
    this.endSegment()
    if (!remove) return
    for (const segment of this.segments) fs.rmSync(path.join(this.folder, segmentName(segment.num)), { force: true })
    this.segments.length = 0
    this.refs.clear()
    fsyncFolder(this.folder)
  }
}
