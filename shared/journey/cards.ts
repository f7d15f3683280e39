/**
 * Card kinds: the sticky notes of a journey map (touchpoint, pain point, idea, question,
 * quote, plain). A card is any tldraw note shape; its kind is data on the shape,
 * `shape.meta.codesign = { kind: 'card', cardKind, author? }`, and the colour only mirrors it
 * (a red note without that meta is a plain card, not a pain point). Meta is read from records
 * anyone on the board can write, so reading never throws and anything unknown is 'plain'.
 */
import type { TLDefaultColorStyle, TLNoteShape, TLShape } from '@tldraw/tlschema'
import type { JourneyLabelKey } from './labels.ts'

export const CardKind = {
  touchpoint: 'touchpoint',
  painPoint: 'painPoint',
  idea: 'idea',
  question: 'question',
  quote: 'quote',
  plain: 'plain',
} as const
export type CardKind = (typeof CardKind)[keyof typeof CardKind]

/** In the order a toolbar offers them. */
export const CARD_KINDS: readonly CardKind[] = [
  CardKind.touchpoint,
  CardKind.painPoint,
  CardKind.idea,
  CardKind.question,
  CardKind.quote,
  CardKind.plain,
]

/**
 * tldraw colour names, distinct for each kind in both light and dark themes. 'black' is
 * tldraw's default note colour (the classic pale yellow note), so a plain card looks like
 * any note made with tldraw's own tool.
 */
export const CARD_KIND_COLORS: Record<CardKind, TLDefaultColorStyle> = {
  touchpoint: 'blue',
  painPoint: 'red',
  idea: 'green',
  question: 'orange',
  quote: 'violet',
  plain: 'black',
}

export const CARD_KIND_LABEL_KEYS = {
  touchpoint: 'card.kind.touchpoint',
  painPoint: 'card.kind.painPoint',
  idea: 'card.kind.idea',
  question: 'card.kind.question',
  quote: 'card.kind.quote',
  plain: 'card.kind.plain',
} as const satisfies Record<CardKind, JourneyLabelKey>

/** Longest author name kept; longer ones are cut (a display name, not an essay). */
export const MAX_AUTHOR_LENGTH = 80

/** The key under `shape.meta` where everything of this app lives. */
export const META_KEY = 'codesign'

export type CardMeta = {
  kind: 'card'
  cardKind: CardKind
  /** Display name, present only when the person chose to sign the card. */
  author?: string
}

export function isCardKind(value: unknown): value is CardKind {
  return typeof value === 'string' && (CARD_KINDS as readonly string[]).includes(value)
}

/** A trimmed, bounded display name without control characters; undefined when empty. */
export function cleanAuthor(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_AUTHOR_LENGTH).trim()
  return clean === '' ? undefined : clean
}

/** The meta to store on a card of this kind (under `meta.codesign`). */
export function cardMeta(kind: CardKind, author?: string): CardMeta {
  const name = cleanAuthor(author)
  return name ? { kind: 'card', cardKind: kind, author: name } : { kind: 'card', cardKind: kind }
}

/** `meta.codesign` of a shape, whatever it holds (unknown until validated). */
export function codesignMeta(shape: { meta?: unknown }): unknown {
  const meta = shape.meta
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined
  return (meta as Record<string, unknown>)[META_KEY]
}

/**
 * Card meta from untrusted data: the kind when it is one we know (else 'plain'), the author
 * when it is a usable name. Null when the value is not card meta at all.
 */
export function readCardMeta(value: unknown): CardMeta | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const v = value as Record<string, unknown>
  if (v.kind !== 'card') return null
  return cardMeta(isCardKind(v.cardKind) ? v.cardKind : CardKind.plain, cleanAuthor(v.author))
}

export function isCardShape(shape: TLShape): shape is TLNoteShape {
  return shape.type === 'note'
}

/** The kind of a note: from its meta, 'plain' when absent or not understood. */
export function cardKindOf(shape: { meta?: unknown }): CardKind {
  return readCardMeta(codesignMeta(shape))?.cardKind ?? CardKind.plain
}

/** The signed author's display name, if the card was signed. */
export function cardAuthorOf(shape: { meta?: unknown }): string | undefined {
  return readCardMeta(codesignMeta(shape))?.author
}

/**
 * The note with this kind: its colour and meta set, other meta keys kept. The author is the
 * one given, or (when `author` is omitted) the one it had. Pass `null` to remove a signature.
 */
export function withCardKind(note: TLNoteShape, kind: CardKind, author?: string | null): TLNoteShape {
  const signed = author === undefined ? cardAuthorOf(note) : (author ?? undefined)
  const meta: TLShape['meta'] = { ...note.meta, [META_KEY]: cardMeta(kind, signed) }
  return { ...note, props: { ...note.props, color: CARD_KIND_COLORS[kind] }, meta }
}
