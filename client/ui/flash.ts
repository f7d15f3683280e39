/**
 * A message carried across one page navigation (e.g. "the board was deleted" shown on the start
 * page), kept in sessionStorage rather than the URL so nothing about it reaches a server log.
 */
const FLASH_KEY = 'codesign:flash'

export const Flash = {
  boardDeleted: 'boardDeleted',
} as const
export type Flash = (typeof Flash)[keyof typeof Flash]

export function setFlash(flash: Flash): void {
  try {
    sessionStorage.setItem(FLASH_KEY, flash)
  } catch {
    // Storage disabled: the next page simply shows no message.
  }
}

/** The pending message, removed as it is read. */
export function takeFlash(): Flash | null {
  try {
    const value = sessionStorage.getItem(FLASH_KEY)
    sessionStorage.removeItem(FLASH_KEY)
    return value === Flash.boardDeleted ? value : null
  } catch {
    return null
  }
}
