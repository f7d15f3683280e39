/**
 * Image exports through tldraw's own renderer: PNG at 1x, 2x or 3x, or SVG, with the board's
 * fonts embedded (tldraw inlines the @font-face files as data: URLs) and a white background.
 */
import type { Editor, TLPageId, TLShapeId } from 'tldraw'
import { onPage } from './frames.ts'

export type ImageFormat = 'png' | 'svg'
export const PNG_SCALES = [1, 2, 3] as const
export type PngScale = (typeof PNG_SCALES)[number]

/** What to draw: everything on the current page, the selection, or one frame (on any page). */
export type ImageArea = { kind: 'page' } | { kind: 'selection' } | { kind: 'frame'; frameId: TLShapeId; pageId: TLPageId }

export class NothingToExportError extends Error {
  override readonly name = 'NothingToExportError'
}

function shapesOf(editor: Editor, area: ImageArea): TLShapeId[] {
  switch (area.kind) {
    case 'page':
      return [...editor.getCurrentPageShapeIds()]
    case 'selection':
      return editor.getSelectedShapeIds()
    case 'frame':
      return editor.getShape(area.frameId) ? [area.frameId] : []
  }
}

export async function exportImage(editor: Editor, area: ImageArea, format: ImageFormat, scale: PngScale): Promise<Blob> {
  const render = async () => {
    const ids = shapesOf(editor, area)
    if (ids.length === 0) throw new NothingToExportError('nothing to export')
    const { blob } = await editor.toImage(ids, {
      format,
      // PNG: one board unit is `scale` pixels. SVG: sizes in board units, assets at full quality.
      ...(format === 'png' ? { pixelRatio: scale } : {}),
      scale: 1,
      background: true,
      darkMode: false,
    })
    return blob
  }
  return area.kind === 'frame' ? onPage(editor, area.pageId, render) : render()
}
