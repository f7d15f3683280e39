/**
 * The board's document records as React state, refreshed at most every `throttleMs` while the
 * board changes (a drag changes a shape on every pointer move; the outline and the vote only
 * need to keep up with a person reading). Leading and trailing: the first change shows at
 * once, the last one is never lost. While not `enabled` it does not listen at all (and keeps
 * the last snapshot), so a big board pays nothing for an outline nobody has open.
 */
import { useEffect, useState } from 'react'
import type { Editor, TLRecord } from 'tldraw'

export function useBoardRecords(editor: Editor, enabled = true, throttleMs = 200): readonly TLRecord[] {
  const [records, setRecords] = useState<readonly TLRecord[]>(() => (enabled ? editor.store.allRecords() : []))
  useEffect(() => {
    // Nothing shown needs the board as data (no outline, no vote): don't read it.
    if (!enabled) return
    let timer: ReturnType<typeof setTimeout> | null = null
    let last = 0
    const refresh = () => {
      timer = null
      last = Date.now()
      setRecords(editor.store.allRecords())
    }
    const onChange = () => {
      if (timer !== null) return
      const wait = last + throttleMs - Date.now()
      timer = setTimeout(refresh, Math.max(0, wait))
    }
    refresh()
    const stop = editor.store.listen(onChange, { scope: 'document' })
    return () => {
      stop()
      if (timer !== null) clearTimeout(timer)
    }
  }, [editor, enabled, throttleMs])
  return records
}
