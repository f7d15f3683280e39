/**
 * The kit's icons as inline SVG (no icon font, no emoji: both depend on what the device has
 * installed). Decorative: the buttons they sit in carry a visible text label or an aria-label.
 */
import type { ReactNode } from 'react'

export type IconName = 'cards' | 'outline' | 'vote' | 'timer' | 'templates' | 'bell' | 'bellOff'

const PATHS: Record<IconName, ReactNode> = {
  cards: (
    <>
      <path d="M5 4h14v11l-5 5H5z" />
      <path d="M14 20v-5h5" />
    </>
  ),
  outline: (
    <>
      <path d="M4 6h2M9 6h11M6 12h2M11 12h9M6 18h2M11 18h9" />
    </>
  ),
  vote: (
    <>
      <circle cx="7" cy="9" r="2.5" fill="currentColor" />
      <circle cx="16" cy="7" r="2.5" fill="currentColor" />
      <circle cx="12" cy="16" r="2.5" fill="currentColor" />
    </>
  ),
  timer: (
    <>
      <circle cx="12" cy="13.5" r="7" />
      <path d="M12 13.5V9.5M10 3h4M18 7l1.5-1.5" />
    </>
  ),
  templates: (
    <>
      <rect x="3.5" y="4.5" width="17" height="15" rx="1" />
      <path d="M3.5 9.5h17M9 9.5v10M14.5 9.5v10" />
    </>
  ),
  bell: (
    <>
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z" />
      <path d="M10 20.5a2 2 0 0 0 4 0" />
    </>
  ),
  bellOff: (
    <>
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z" />
      <path d="M10 20.5a2 2 0 0 0 4 0M4 4l16 16" />
    </>
  ),
}

export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="jk-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  )
}
