/**
 * The facilitator's edits to a map's structure on the live board: rename a stage, lane or
 * area, add or remove a stage. The edits themselves are pure (shared/journey/mapEdits.ts);
 * here each is applied to the store as one transaction and one undo step. The store is
 * written directly because the map's parts are locked shapes, which the editor's own update
 * methods leave alone.
 */
import { createShapeId, type Editor, type TLShapeId } from 'tldraw'
import { addStage, removeStage, renameHeading, type HeadingRef, type MapEdit } from '../../shared/journey/mapEdits.ts'
import type { Translate } from '../../shared/journey/labels.ts'

const newId = () => createShapeId()

function apply(editor: Editor, name: string, edit: MapEdit | null): boolean {
  if (!edit) return false
  editor.markHistoryStoppingPoint(name)
  editor.run(() => editor.store.applyDiff(edit.diff))
  return true
}

export function renameMapHeading(editor: Editor, frameId: TLShapeId, ref: HeadingRef, label: string): boolean {
  return apply(editor, 'rename heading', renameHeading(editor.store.allRecords(), frameId, ref, label, { newId }))
}

export function addMapStage(editor: Editor, frameId: TLShapeId, afterStageId: string | undefined, t: Translate): boolean {
  const edit = addStage(editor.store.allRecords(), frameId, { newId, t, ...(afterStageId ? { after: afterStageId } : {}) })
  return apply(editor, 'add stage', edit)
}

export function removeMapStage(editor: Editor, frameId: TLShapeId, stageId: string): boolean {
  return apply(editor, 'remove stage', removeStage(editor.store.allRecords(), frameId, stageId, { newId }))
}
