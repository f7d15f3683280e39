/**
 * Puts a template on the board: into an empty area of the current page (right of what is
 * there, or where the person is looking on an empty page) or onto a new page, as one undo
 * step, then shows it. The records come from shared/journey/templates.ts, labelled in the
 * board's language through `t`.
 */
import { Box, PageRecordType, createShapeId, type Editor, type TLPageId, type TLShapeId } from 'tldraw'
import { createTemplate, templateSize, type TemplateId } from '../../shared/journey/templates.ts'
import type { Translate } from '../../shared/journey/labels.ts'

/** Space between a new map and what is already on the page. */
const GAP = 240

export type TemplatePlace = 'here' | 'newPage'

/** Top-left corner for a `size` box in empty space on the current page. */
export function emptySpot(editor: Editor, size: { w: number; h: number }): { x: number; y: number } {
  const content = editor.getCurrentPageBounds()
  if (!content) {
    // An empty page: centred where the person is looking.
    const view = editor.getViewportPageBounds()
    return { x: Math.round(view.midX - size.w / 2), y: Math.round(view.midY - size.h / 2) }
  }
  // Right of everything there: nothing can be in the way, whatever the content's shape.
  return { x: Math.round(content.maxX + GAP), y: Math.round(content.minY) }
}

/** Inserts the template and zooms to it; returns the new map frame's id. */
export function insertTemplate(editor: Editor, template: TemplateId, place: TemplatePlace, t: Translate, pageName: string): TLShapeId {
  const size = templateSize(template)
  // Filled in inside the transaction (a holder: TypeScript does not follow the callback).
  const out: { frameId?: TLShapeId; bounds?: Box } = {}
  editor.markHistoryStoppingPoint('insert template')
  editor.run(() => {
    let pageId: TLPageId = editor.getCurrentPageId()
    if (place === 'newPage') {
      pageId = PageRecordType.createId()
      editor.createPage({ id: pageId, name: pageName })
      editor.setCurrentPage(pageId)
    }
    const spot = place === 'newPage' ? { x: 0, y: 0 } : emptySpot(editor, size)
    const records = createTemplate(template, {
      parentId: pageId,
      x: spot.x,
      y: spot.y,
      newId: () => createShapeId(),
      t,
      index: editor.getHighestIndexForParent(pageId),
    })
    // Put as records: the map's parts are locked, which editor.createShapes would refuse to
    // lay out afterwards; the store takes them as they are (and validates them).
    editor.store.put(records)
    out.frameId = records[0]?.id
    out.bounds = new Box(spot.x, spot.y, size.w, size.h)
  })
  if (!out.frameId || !out.bounds) throw new Error('the template made no frame')
  editor.zoomToBounds(out.bounds, { inset: 48, animation: { duration: 300 } })
  return out.frameId
}
