/**
 * One polite live region for the kit's short confirmations ("dot placed, 2 left", "time is
 * up"). The text is cleared first so that the same message said twice is announced twice.
 */
import { useCallback, useEffect, useRef, useState } from 'react'

export function useAnnouncer(): [string, (text: string) => void] {
  const [message, setMessage] = useState('')
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const announce = useCallback((text: string) => {
    setMessage('')
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(() => setMessage(text), 60)
  }, [])
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )
  return [message, announce]
}
