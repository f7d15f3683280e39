/**
 * A QR code of a text (a link), drawn on a canvas, with an accessible name: people in the room
 * scan it with a phone. Black on white with a wide quiet zone, so phone cameras read it from a
 * projector too.
 */
import { useEffect, useRef, useState } from 'react'
import QRCode from 'qrcode'
import { useT } from '../i18n/I18nProvider.tsx'

export function QrCode({ text, label, testId, size = 200 }: { text: string; label: string; testId?: string; size?: number }) {
  const t = useT()
  const ref = useRef<HTMLCanvasElement>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const canvas = ref.current
    if (!canvas) return
    let cancelled = false
    QRCode.toCanvas(canvas, text, { width: size, margin: 4, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } }).then(
      () => {
        if (!cancelled) setFailed(false)
      },
      (error: unknown) => {
        console.warn('Could not draw the QR code', error)
        if (!cancelled) setFailed(true)
      },
    )
    return () => {
      cancelled = true
    }
  }, [text, size])
  if (failed) return <p className="hint">{t('share.qr.failed')}</p>
  return <canvas ref={ref} className="qr-code" role="img" aria-label={label} data-testid={testId} width={size} height={size} />
}
