/** A small per-device preference (sign my cards, sound at zero) kept in localStorage. */
import { useCallback, useState } from 'react'

export function useLocalSetting(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState<boolean>(() => {
    try {
      const stored = localStorage.getItem(key)
      return stored === null ? fallback : stored === '1'
    } catch {
      return fallback
    }
  })
  const set = useCallback(
    (next: boolean) => {
      setValue(next)
      try {
        localStorage.setItem(key, next ? '1' : '0')
      } catch {
        // Storage disabled: the choice holds for this page only.
      }
    },
    [key],
  )
  return [value, set]
}
