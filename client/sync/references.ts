/**
 * Checks what a batch of remote records points at, against the store as it will be once the
 * batch is applied (the store, overlaid with the batch's records and without its removals).
 *
 * Every record here already passed checkRemoteRecord on its own. These are records valid alone
 * that tldraw cannot live with once they are in the store, written by a hostile or broken
 * client with an editor key:
 *
 * - A shape whose parent chain loops: its own parent, shapes that are each other's parents, or
 *   a chain that leads into such a loop. tldraw walks ancestors without a guard and freezes
 *   every browser on the board. Every incoming shape whose chain loops is refused, so a loop
 *   never reaches the store, whichever of its members arrived first.
 * - A binding whose ends are not shapes on the board (in the store or the batch), and an arrow
 *   binding that does not start at an arrow or that ends at one: tldraw's binding side effects
 *   throw on these after the store has taken them, which loses the whole remote change.
 * - An update that changes the type of a shape so that a binding in the store no longer fits
 *   (an arrow turned into a rectangle while bound): refused for the same reason.
 *
 * A refused record keeps its last good version in the store, if it had one. The binding holds
 * it (heldRecords.ts) with the ids it waits for and checks it again when one of them changes:
 * a binding that arrived after its shape was deleted applies when the shape comes back (an edit
 * that won over the deletion, an undo), a loop that someone breaks applies. So the store holds
 * what a late joiner, checking the whole document at once, would hold, apart from those last
 * good versions: someone on the board keeps a shape that was overwritten with a bad value, a
 * late joiner does not see it at all. Both are told (onInvalidRecord).
 *
 * Not refused: a shape whose parent (page or shape) is missing. tldraw tolerates it (it belongs
 * to no page and is not drawn), and it happens in normal use: a page or frame deleted while
 * someone else added a shape to it. Applying it keeps the store a mirror of the document, so the
 * shape appears as soon as its parent does: when the parent arrives later, or when whoever
 * deleted it undoes that. Yjs delivers a client's updates in order, so a parent written before
 * its child never arrives after it. A parent arriving later that would close a loop is refused
 * then; the child, already in the store, stays. (A late joiner gets both at once and refuses
 * both, and says so. Either way the loop never reaches the store.)
 */
import type { TLBinding, TLRecord, TLShape } from '@tldraw/tlschema'
import { InvalidRecordCode, InvalidRecordError, type InvalidRecordInfo } from './remoteRecord.ts'

type RecordId = TLRecord['id']

/** The store as it is before the batch. */
export interface StoreView {
  get(id: RecordId): TLRecord | undefined
  /** Bindings that start or end at the shape. Only asked when a shape changes its type. */
  bindingsInvolving(shapeId: TLShape['id']): TLBinding[]
}

export interface RefusedRecord {
  record: TLRecord
  info: InvalidRecordInfo
  /** Ids whose change may make the record acceptable: the ends of a binding, a loop's members. */
  waitsFor: string[]
}

export interface ReferenceCheck {
  /** The records to put, parents before children and bindings last: an order the store can
   * also take one at a time. */
  accepted: TLRecord[]
  refused: RefusedRecord[]
}

interface Problem {
  code: InvalidRecordCode
  message: string
}

const isShape = (record: TLRecord | undefined): record is TLShape => record?.typeName === 'shape'
const isBinding = (record: TLRecord | undefined): record is TLBinding => record?.typeName === 'binding'

export function checkReferences(view: StoreView, puts: readonly TLRecord[], removes: Iterable<RecordId>): ReferenceCheck {
  const incoming = new Map<string, TLRecord>(puts.map((record) => [record.id, record]))
  const removed = new Set<string>(removes)
  const refused = new Map<string, RefusedRecord>()

  /** A record as the store will hold it after the batch (a refused one keeps its old version). */
  const resolve = (id: string): TLRecord | undefined => {
    const record = incoming.get(id)
    if (record && !refused.has(id)) return record
    if (removed.has(id)) return undefined
    return view.get(id as RecordId)
  }
  const refuse = (record: TLRecord, { code, message }: Problem, waitsFor: string[]) => {
    const info = { id: record.id, typeName: record.typeName, error: new InvalidRecordError(code, message) }
    refused.set(record.id, { record, info, waitsFor })
  }

  const shapes = puts.filter(isShape)
  // Refusing a record brings its older version back, which may loop with (or no longer fit)
  // the others: repeat until a round refuses nothing. Each round refuses at least one record
  // or ends the loop, so this ends.
  for (let before = -1; before !== refused.size; ) {
    before = refused.size
    // Chains first, then refusals: a refusal changes what `resolve` sees.
    const looping = loopingShapes(shapes.filter((s) => !refused.has(s.id)), resolve).map((shape) => ({
      shape,
      chain: chainOf(shape, resolve),
    }))
    for (const { shape, chain } of looping) {
      const message =
        shape.parentId === shape.id
          ? `shape ${shape.id} is its own parent`
          : `the parent chain of shape ${shape.id} loops (${chain.join(' -> ')})`
      refuse(shape, { code: InvalidRecordCode.parentCycle, message }, chain)
    }
    for (const shape of shapes) {
      if (refused.has(shape.id)) continue
      const old = view.get(shape.id)
      if (!isShape(old) || old.type === shape.type) continue
      for (const binding of view.bindingsInvolving(shape.id)) {
        if (incoming.has(binding.id) || removed.has(binding.id)) continue // checked below as it will be
        const problem = bindingProblem(binding, resolve)
        if (problem) {
          refuse(
            shape,
            {
              code: problem.code,
              message: `shape ${shape.id} changes from ${old.type} to ${shape.type}, which binding ${binding.id} cannot join: ${problem.message}`,
            },
            [binding.id, binding.fromId, binding.toId],
          )
          break
        }
      }
    }
  }

  for (const record of puts) {
    if (!isBinding(record)) continue
    const problem = bindingProblem(record, resolve)
    if (problem) refuse(record, problem, [record.fromId, record.toId])
  }

  return {
    accepted: storeOrder(puts.filter((record) => !refused.has(record.id))),
    refused: [...refused.values()],
  }
}

/** The shapes among `shapes` whose parent chain (as `resolve` sees it) loops. */
function loopingShapes(shapes: readonly TLShape[], resolve: (id: string) => TLRecord | undefined): TLShape[] {
  // Memoised per id, so that a long chain shared by many shapes is walked once.
  const loops = new Map<string, boolean>()
  for (const shape of shapes) {
    const path: string[] = []
    const onPath = new Set<string>()
    let id: string = shape.id
    let loop: boolean
    for (;;) {
      const known = loops.get(id)
      if (known !== undefined) {
        loop = known
        break
      }
      if (onPath.has(id)) {
        loop = true
        break
      }
      const record = resolve(id)
      // A page ends the chain, and so does a missing parent (see the header).
      if (!isShape(record)) {
        loop = false
        break
      }
      path.push(id)
      onPath.add(id)
      id = record.parentId
    }
    for (const visited of path) loops.set(visited, loop)
  }
  return shapes.filter((shape) => loops.get(shape.id))
}

/** The ids on the parent chain of `shape`, up to where it ends or first repeats. */
function chainOf(shape: TLShape, resolve: (id: string) => TLRecord | undefined): string[] {
  const chain: string[] = []
  const seen = new Set<string>()
  let id: string = shape.id
  while (!seen.has(id)) {
    seen.add(id)
    chain.push(id)
    const record = resolve(id)
    if (!isShape(record)) break
    id = record.parentId
  }
  return chain
}

/** Why tldraw could not take `binding` with its ends as `resolve` sees them, or null. */
function bindingProblem(binding: TLBinding, resolve: (id: string) => TLRecord | undefined): Problem | null {
  const from = resolve(binding.fromId)
  const to = resolve(binding.toId)
  if (!isShape(from)) {
    return { code: InvalidRecordCode.missingReference, message: `binding ${binding.id} starts at ${binding.fromId}, which is not on the board` }
  }
  if (!isShape(to)) {
    return { code: InvalidRecordCode.missingReference, message: `binding ${binding.id} ends at ${binding.toId}, which is not on the board` }
  }
  // tldraw's arrow binding: from an arrow to anything but an arrow (ArrowShapeUtil.canBind).
  // Its side effects read the arrow's props from `from`, and measure `to` for the arrow's path.
  if (binding.type === 'arrow') {
    if (from.type !== 'arrow') {
      return { code: InvalidRecordCode.wrongReferenceType, message: `arrow binding ${binding.id} starts at a ${from.type} shape, not an arrow` }
    }
    if (to.type === 'arrow') {
      return { code: InvalidRecordCode.wrongReferenceType, message: `arrow binding ${binding.id} ends at an arrow` }
    }
  }
  return null
}

const TYPE_RANK: Partial<Record<TLRecord['typeName'], number>> = { shape: 1, binding: 2 }

/** Other records (pages, assets, ...) first, then shapes parents first, then bindings. */
function storeOrder(records: TLRecord[]): TLRecord[] {
  const shapes = new Map<string, TLShape>()
  for (const record of records) if (isShape(record)) shapes.set(record.id, record)
  // Depth among the batch's own shapes; their chains do not loop (checked above).
  const depths = new Map<string, number>()
  const depthOf = (shape: TLShape): number => {
    const path: TLShape[] = []
    let current: TLShape | undefined = shape
    let depth = 0
    // The bound is only a guard: accepted shapes do not loop.
    while (current && path.length <= shapes.size) {
      const known = depths.get(current.id)
      if (known !== undefined) {
        depth = known + 1
        break
      }
      path.push(current)
      current = shapes.get(current.parentId)
    }
    for (const visited of path.reverse()) depths.set(visited.id, depth++)
    return depths.get(shape.id) ?? 0
  }
  const rank = (record: TLRecord) => TYPE_RANK[record.typeName] ?? 0
  return records
    .map((record, index) => ({ record, index, rank: rank(record), depth: isShape(record) ? depthOf(record) : 0 }))
    .sort((a, b) => a.rank - b.rank || a.depth - b.depth || a.index - b.index)
    .map(({ record }) => record)
}
