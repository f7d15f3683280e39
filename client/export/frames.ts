/**
 * What an export can cover: the frames of the board in reading order (pages in their order,
 * then top to bottom, then left to right), and running an export on another page than the
 * one shown, since tldraw renders exports from the current page only.
 */
import type { Editor, TLPageId, TLShapeId } from 'tldraw'

export type FrameEntry = {
  id: TLShapeId
  pageId: TLPageId
  pageName: string
  /** The frame's name as written on the board; empty when it has none. */
  name: string
}

/**
 * The top-level frames of every page, in reading order. Frames inside frames are part of
 * their parent's picture, so they are not listed (they would print twice).
 */
export function framesInReadingOrder(editor: Editor): FrameEntry[] {
  const entries: FrameEntry[] = []
  for (const page of editor.getPages()) {
    const frames = editor
      .getSortedChildIdsForParent(page.id)
      .map((id) => editor.getShape(id))
      .filter((shape) => shape !== undefined && editor.isShapeOfType(shape, 'frame'))
      .sort((a, b) => a.y - b.y || a.x - b.x)
    for (const frame of frames) {
      if (!editor.isShapeOfType(frame, 'frame')) continue
      entries.push({ id: frame.id, pageId: page.id, pageName: page.name, name: frame.props.name.trim() })
    }
  }
  return entries
}

/**
 * Runs `work` with `pageId` as the current page, then goes back to the page the person was
 * on (each page keeps its own camera, so their view comes back as it was).
 */
export async function onPage<T>(editor: Editor, pageId: TLPageId, work: () => Promise<T>): Promise<T> {
  const previous = editor.getCurrentPageId()
  if (previous === pageId) return work()
  editor.run(() => editor.setCurrentPage(pageId), { history: 'ignore' })
  try {
    return await work()
  } finally {
    if (editor.getPage(previous)) editor.run(() => editor.setCurrentPage(previous), { history: 'ignore' })
  }
}
