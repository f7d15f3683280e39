/**
 * The card-kind picker: six kinds, each with its colour, symbol and name (colour is never the
 * only carrier). Choosing one sets the kind of the next note this person adds and changes the
 * selected notes to it; with nothing selected it also picks tldraw's note tool, so the next
 * click or tap on the board places a card of that kind. A switch signs new cards with the
 * person's name.
 */
import { useId } from 'react'
import { CARD_KINDS, type CardKind } from '../../shared/journey/cards.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { CARD_KIND_SYMBOLS, kindFill, kindLabelKey } from './kinds.ts'

export function KindChip({ kind }: { kind: CardKind }) {
  const t = useT()
  return (
    <span className="jk-kind" data-kind={kind}>
      <span className="jk-kind-swatch" style={{ background: kindFill(kind) }} aria-hidden="true">
        {CARD_KIND_SYMBOLS[kind]}
      </span>
      <span className="jk-kind-name">{t(kindLabelKey(kind))}</span>
    </span>
  )
}

export function CardKindPicker({
  kind,
  onPick,
  sign,
  onSign,
  status,
}: {
  kind: CardKind
  onPick: (kind: CardKind) => void
  sign: boolean
  onSign: (sign: boolean) => void
  /** The last thing picking did, said politely. */
  status: string
}) {
  const t = useT()
  const legendId = useId()
  return (
    <div className="jk-stack">
      <p className="hint">{t('journey.cards.help')}</p>
      <div role="group" aria-labelledby={legendId} className="jk-kind-grid" data-testid="card-kind-picker">
        <span id={legendId} className="jk-label">
          {t('journey.cards.kinds')}
        </span>
        {CARD_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            className={`jk-kind-button${k === kind ? ' is-current' : ''}`}
            aria-pressed={k === kind}
            onClick={() => onPick(k)}
            data-testid={`card-kind-${k}`}
          >
            <KindChip kind={k} />
          </button>
        ))}
      </div>
      <label className="choice">
        <input type="checkbox" checked={sign} onChange={(event) => onSign(event.target.checked)} data-testid="sign-cards" />
        <span>{t('journey.cards.sign')}</span>
      </label>
      <p className="hint">{t('journey.cards.sign.help')}</p>
      <p className="jk-status" role="status" aria-live="polite" data-testid="card-kind-status">
        {status}
      </p>
    </div>
  )
}
