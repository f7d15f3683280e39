/**
 * Card kinds: stored as data on the note, read back from untrusted meta without throwing,
 * each with its own tldraw colour and an i18n label.
 */
import { describe, expect, it } from 'vitest'
import { createShapeId, createTLSchema, toRichText, type TLNoteShape, type TLShape } from '@tldraw/tlschema'
import {
  CARD_KINDS,
  CARD_KIND_COLORS,
  CARD_KIND_LABEL_KEYS,
  cardAuthorOf,
  cardKindOf,
  cardMeta,
  readCardMeta,
  withCardKind,
} from '../../shared/journey/cards.ts'
import { JOURNEY_LABELS_EN } from '../../shared/journey/labels.ts'

const note: TLNoteShape = {
  id: createShapeId('n'),
  typeName: 'shape',
  type: 'note',
  x: 0,
  y: 0,
  rotation: 0,
  index: 'a1' as TLShape['index'],
  parentId: 'page:main' as TLNoteShape['parentId'],
  isLocked: false,
  opacity: 1,
  props: {
    color: 'black',
    labelColor: 'black',
    size: 'm',
    font: 'draw',
    fontSizeAdjustment: 1,
    align: 'middle',
    verticalAlign: 'middle',
    growY: 0,
    url: '',
    richText: toRichText('hello'),
    scale: 1,
    textLastEditedBy: null,
  },
  meta: { other: 'kept' },
}

describe('card kinds', () => {
  it('each have a distinct tldraw colour and an English label', () => {
    const colours = CARD_KINDS.map((k) => CARD_KIND_COLORS[k])
    expect(new Set(colours).size).toBe(CARD_KINDS.length)
    for (const kind of CARD_KINDS) expect(JOURNEY_LABELS_EN[CARD_KIND_LABEL_KEYS[kind]]).toBeTruthy()
  })

  it('are stored on the note as data, with its colour, keeping other meta; tldraw accepts the note', () => {
    const schema = createTLSchema()
    for (const kind of CARD_KINDS) {
      const card = withCardKind(note, kind, 'Ana')
      expect(() => schema.types.shape.validate(card)).not.toThrow()
      expect(card.meta).toEqual({ other: 'kept', codesign: { kind: 'card', cardKind: kind, author: 'Ana' } })
      expect(card.props.color).toBe(CARD_KIND_COLORS[kind])
      expect(cardKindOf(card)).toBe(kind)
    }
  })

  it('keep the signature when the kind changes, unless it is removed', () => {
    const signed = withCardKind(note, 'idea', 'Ana')
    expect(cardAuthorOf(withCardKind(signed, 'question'))).toBe('Ana')
    expect(cardAuthorOf(withCardKind(signed, 'question', null))).toBeUndefined()
  })

  it("are read as 'plain' from absent, unknown or malformed meta, never throwing", () => {
    expect(cardKindOf(note)).toBe('plain')
    for (const meta of [null, 'x', [], { codesign: null }, { codesign: { kind: 'card', cardKind: 'evil' } }, { codesign: 42 }]) {
      expect(cardKindOf({ meta })).toBe('plain')
    }
    expect(readCardMeta({ kind: 'stage' })).toBeNull()
    expect(readCardMeta({ kind: 'card', cardKind: 'quote', author: 7 })).toEqual({ kind: 'card', cardKind: 'quote' })
  })

  it('keep an author only as a short, clean display name', () => {
    expect(cardMeta('idea', '   ')).toEqual({ kind: 'card', cardKind: 'idea' })
    expect(cardMeta('idea', ' Ana\u0000\nB ').author).toBe('Ana  B')
    expect(cardMeta('idea', 'x'.repeat(500)).author).toHaveLength(80)
  })
})
