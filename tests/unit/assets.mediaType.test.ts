/**
 * An upload's type is read from its first bytes, never from its name or declared type.
 */
import { describe, expect, it } from 'vitest'
import { MediaType } from '../../shared/assets.ts'
import { sniffMediaType } from '../../server/storage/mediaType.ts'
import { GIF, HTML, JPEG_HEAD, MP4_HEAD, SVG, TEXT, WEBP_HEAD, ebml, ftyp, makePng } from '../fixtures/media.ts'

describe('sniffing an upload', () => {
  it('recognises the raster image formats by their magic numbers', () => {
    expect(sniffMediaType(makePng(2, 2))).toBe(MediaType.png)
    expect(sniffMediaType(JPEG_HEAD)).toBe(MediaType.jpeg)
    expect(sniffMediaType(GIF)).toBe(MediaType.gif)
    expect(sniffMediaType(WEBP_HEAD)).toBe(MediaType.webp)
  })

  it('tells MP4, QuickTime and AVIF apart by their ftyp brands and refuses HEIC and audio', () => {
    expect(sniffMediaType(MP4_HEAD)).toBe(MediaType.mp4)
    expect(sniffMediaType(ftyp('qt  '))).toBe(MediaType.quicktime)
    expect(sniffMediaType(ftyp('avif', ['avif', 'mif1']))).toBe(MediaType.avif)
    expect(sniffMediaType(ftyp('mif1', ['avif']))).toBe(MediaType.avif)
    expect(sniffMediaType(ftyp('heic', ['mif1', 'heic']))).toBeUndefined()
    expect(sniffMediaType(ftyp('M4A ', ['isom']))).toBeUndefined()
  })

  it('accepts WebM but not other Matroska files', () => {
    expect(sniffMediaType(ebml('webm'))).toBe(MediaType.webm)
    expect(sniffMediaType(ebml('matroska'))).toBeUndefined()
  })

  it('recognises SVG after a declaration, comments and a doctype with an internal subset', () => {
    expect(sniffMediaType(SVG)).toBe(MediaType.svg)
    expect(sniffMediaType(Buffer.from('\ufeff  <svg viewBox="0 0 1 1"/>'))).toBe(MediaType.svg)
    expect(sniffMediaType(Buffer.from('<svgx/>'))).toBeUndefined()
    expect(sniffMediaType(Buffer.from('<!-- never closed <svg/>'))).toBeUndefined()
  })

  it('refuses text, HTML and empty files whatever they are called', () => {
    expect(sniffMediaType(TEXT)).toBeUndefined()
    expect(sniffMediaType(HTML)).toBeUndefined()
    expect(sniffMediaType(Buffer.from('<html><svg></svg></html>'))).toBeUndefined()
    expect(sniffMediaType(new Uint8Array(0))).toBeUndefined()
    expect(sniffMediaType(Buffer.from([0x89, 0x50, 0x4e]))).toBeUndefined()
  })
})
