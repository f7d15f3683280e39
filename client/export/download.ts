/**
 * Handing a file to the person: a blob URL on a link with `download`, clicked and released.
 * The app's CSP allows blob: URLs; nothing leaves the browser.
 */

/** Saves `blob` as `filename` through the browser's download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download has started once click() returns; revoke later so slow browsers still read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** A board or frame title made safe as part of a file name (letters and digits of any script kept). */
export function fileSafe(text: string, fallback = 'board'): string {
  return (
    text
      .replace(/[^\p{L}\p{N} ._-]+/gu, '_')
      .replace(/\s+/g, ' ')
      .slice(0, 80)
      .trim() || fallback
  )
}

/** Today as YYYY-MM-DD in the person's time zone: sorts well in a folder and reads in every language. */
export function isoDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}
