/**
 * While one of our dialogs is open, the live board takes no keyboard shortcuts. tldraw listens
 * for them on the whole page while its editor is focused, and our dialogs sit inside its
 * container: without this, a key pressed on a dialog's button (or in a version's preview)
 * could switch the board's tool, or delete what the person had selected on the board.
 */
import { useEffect } from 'react'
import type { Editor } from 'tldraw'

export function useQuietEditor(editor: Editor | null): void {
  useEffect(() => {
    if (!editor || !editor.getIsFocused()) return
    // The DOM focus is the dialog's business; only tldraw's own notion of focus changes.
    editor.blur({ blurContainer: false })
    return () => {
      editor.focus({ focusContainer: false })
    }
  }, [editor])
}
