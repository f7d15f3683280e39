/**
 * Keeps the keys pressed in our dialogs and menus away from tldraw, when they sit inside
 * tldraw's container (our controls are in its share-panel slot, and open their menus and
 * dialogs there).
 *
 * tldraw listens for keys on its container and on the document body while the editor has focus,
 * and takes them for the canvas wherever they were pressed: measured here, Delete on a button of
 * the share dialog deleted the selected shapes, and with shapes selected it swallowed Escape
 * (the dialog stayed open). A dialog or menu owns its keys: on the way down (capture) they are
 * marked as handled, which tldraw's container listener respects on the way up; on the way up
 * they stop at the element, before the body, where tldraw's shortcuts listen. React's handlers
 * inside the element still run. The row of controls itself is left alone, like tldraw's own
 * buttons: shortcuts work there.
 *
 * No import of tldraw at run time: the start page uses dialogs too, and loads no tldraw.
 */
import { createContext, useContext, type KeyboardEvent } from 'react'
import type { Editor } from 'tldraw'

/** The editor whose container holds the dialogs and menus below it; null: none. */
export const KeysEditorContext = createContext<Editor | null>(null)

type KeyHandlers = {
  onKeyDownCapture?: (event: KeyboardEvent<HTMLElement>) => void
  onKeyUpCapture?: (event: KeyboardEvent<HTMLElement>) => void
  onKeyDown?: (event: KeyboardEvent<HTMLElement>) => void
  onKeyUp?: (event: KeyboardEvent<HTMLElement>) => void
}

/** Props for the element that owns its keys; none outside a board. */
export function useOwnKeys(): KeyHandlers {
  const editor = useContext(KeysEditorContext)
  if (!editor) return {}
  const mark = (event: KeyboardEvent<HTMLElement>) => editor.markEventAsHandled(event)
  const stop = (event: KeyboardEvent<HTMLElement>) => {
    // An editor of its own inside the element (the version preview) keeps its shortcuts.
    const nearest = (event.target as Element).closest('.tl-container')
    if (nearest && event.currentTarget.contains(nearest)) return
    event.stopPropagation()
  }
  return { onKeyDownCapture: mark, onKeyUpCapture: mark, onKeyDown: stop, onKeyUp: stop }
}
