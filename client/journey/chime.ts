/**
 * A short, soft two-note chime made with WebAudio (no sound file to fetch). Browsers only let
 * a page make sound after the person interacted with it, so `prime()` is called from a click
 * (turning the sound on, starting the timer) to create and resume the audio context then.
 */
export type Chime = { prime(): void; play(): void; dispose(): void }

export function createChime(): Chime {
  let context: AudioContext | null = null

  const ensure = (): AudioContext | null => {
    if (context) return context
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
    if (!Ctor) return null
    try {
      context = new Ctor()
    } catch {
      // No audio device, or audio disabled: the visual cue is still there.
      return null
    }
    return context
  }

  return {
    prime() {
      const ctx = ensure()
      if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined)
    },
    play() {
      const ctx = ensure()
      if (!ctx || ctx.state !== 'running') return
      const start = ctx.currentTime + 0.02
      for (const [i, frequency] of [660, 880].entries()) {
        const at = start + i * 0.22
        const osc = ctx.createOscillator()
        const gain = ctx.createGain()
        osc.type = 'sine'
        osc.frequency.value = frequency
        // Soft attack and a long decay: a bell, not a beep.
        gain.gain.setValueAtTime(0, at)
        gain.gain.linearRampToValueAtTime(0.08, at + 0.03)
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.9)
        osc.connect(gain).connect(ctx.destination)
        osc.start(at)
        osc.stop(at + 0.95)
      }
    },
    dispose() {
      void context?.close().catch(() => undefined)
      context = null
    },
  }
}
