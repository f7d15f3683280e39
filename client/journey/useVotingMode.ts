/**
 * Voting on the canvas: while on, the editor is in tldraw's hand tool (people can still pan
 * and zoom, but a click no longer selects, moves or edits), and a click or tap on a card
 * places a dot on it; Shift-, Alt- or Ctrl-click, or a long press, removes one. Picking any
 * other tool leaves voting mode.
 */
import { useEffect, useRef } from 'react'
import { react, type Editor, type TLEventInfo, type TLShapeId } from 'tldraw'
import { isCardShape } from '../../shared/journey/cards.ts'

/** Further than this (screen pixels) between press and release is a pan, not a click. */
const CLICK_SLOP = 6

export function useVotingMode(
  editor: Editor,
  on: boolean,
  handlers: { onCard(cardId: TLShapeId, remove: boolean): void; onExit(): void },
): void {
  const latest = useRef(handlers)
  useEffect(() => {
    latest.current = handlers
  })

  useEffect(() => {
    if (!on) return
    editor.setCurrentTool('hand')
    let down: { x: number; y: number } | null = null
    let longPressed = false
    const cardAt = (point: { x: number; y: number }) => {
      const shape = editor.getShapeAtPoint(editor.screenToPage(point), {
        hitInside: true,
        hitLocked: true,
        filter: (s) => isCardShape(s),
      })
      return shape ? shape.id : null
    }
    const onEvent = (info: TLEventInfo) => {
      if (info.type !== 'pointer') return
      if (info.name === 'pointer_down') {
        down = { x: info.point.x, y: info.point.y }
        longPressed = false
      } else if (info.name === 'long_press' && down) {
        longPressed = true
        const id = cardAt(down)
        if (id) latest.current.onCard(id, true)
      } else if (info.name === 'pointer_up' && down) {
        const moved = Math.hypot(info.point.x - down.x, info.point.y - down.y) > CLICK_SLOP
        const start = down
        down = null
        if (moved || longPressed || info.button !== 0) return
        const id = cardAt(start)
        if (id) latest.current.onCard(id, info.shiftKey || info.altKey || info.ctrlKey || info.metaKey)
      }
    }
    editor.on('event', onEvent)
    // Another tool chosen (a shortcut, the toolbar): voting mode is over.
    const stopWatching = react('codesign.votingTool', () => {
      if (editor.getCurrentToolId() !== 'hand') latest.current.onExit()
    })
    return () => {
      editor.off('event', onEvent)
      stopWatching()
      if (editor.getCurrentToolId() === 'hand') editor.setCurrentTool('select')
    }
  }, [editor, on])
}
