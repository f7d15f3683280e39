/**
 * How the card kinds look in our own interface (the picker, the outline, the badges on the
 * canvas): a symbol and a label for every kind, so colour is never the only thing that tells
 * them apart, and the note colours of tldraw's light theme for the swatches.
 */
import { CARD_KIND_COLORS, CARD_KIND_LABEL_KEYS, type CardKind } from '../../shared/journey/cards.ts'

/** Shown next to the kind's name (hidden from screen readers, which read the name). */
export const CARD_KIND_SYMBOLS: Record<CardKind, string> = {
  touchpoint: '◎',
  painPoint: '!',
  idea: '✦',
  question: '?',
  quote: '❝',
  plain: '▢',
}

/** tldraw's light-theme note fills for each kind's colour (defaultThemes, `noteFill`). */
const NOTE_FILLS: Record<string, string> = {
  black: '#FCE19C',
  blue: '#8AA3FF',
  red: '#FC8282',
  green: '#6FC896',
  orange: '#FAA475',
  violet: '#DB91FD',
}

export function kindFill(kind: CardKind): string {
  return NOTE_FILLS[CARD_KIND_COLORS[kind]] ?? '#FCE19C'
}

export function kindLabelKey(kind: CardKind) {
  return CARD_KIND_LABEL_KEYS[kind]
}
