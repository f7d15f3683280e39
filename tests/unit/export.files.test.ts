/**
 * The pure parts of the client's exports: text made printable in a standard PDF font, the
 * PDF font chosen for each of tldraw's fonts, safe file names, and the file name a download's
 * Content-Disposition header suggests.
 */
import { expect, it } from 'vitest'
import { pdfFontFamily, toWinAnsi } from '../../client/export/svgText.ts'
import { fileSafe } from '../../client/export/download.ts'
import { filenameFromDisposition } from '../../client/api.ts'

it('keeps Western European text and Windows-1252 signs as they are for the PDF', () => {
  expect(toWinAnsi('Café “Ñandú” — 5 € … Šž Œœ Ÿ ß')).toBe('Café “Ñandú” — 5 € … Šž Œœ Ÿ ß')
})

it('folds letters the standard PDF fonts lack to their base letter, or "?" when there is none', () => {
  expect(toWinAnsi('Rīga, Jūrmala, Ķekava, Ģirts, Ļaudona, Ņ')).toBe('Riga, Jurmala, Kekava, Girts, Laudona, N')
  expect(toWinAnsi('Ελλάδα')).toBe('??????')
  expect(toWinAnsi('ok 👍')).toBe('ok ?')
})

it('prints tldraw\'s draw and sans fonts in Helvetica, serif in Times and mono in Courier', () => {
  expect(pdfFontFamily('tldraw_draw, sans-serif')).toBe('helvetica')
  expect(pdfFontFamily('"tldraw_sans", sans-serif')).toBe('helvetica')
  expect(pdfFontFamily('tldraw_serif, serif')).toBe('times')
  expect(pdfFontFamily('tldraw_mono, monospace')).toBe('courier')
})

it('makes a title safe as a file name, keeping letters of any script', () => {
  expect(fileSafe('Rīga: map/1 <draft>')).toBe('Rīga_ map_1 _draft_')
  expect(fileSafe('///')).toBe('_')
  expect(fileSafe('   ', 'frame')).toBe('frame')
})

it('reads the suggested file name of a download, preferring the UTF-8 one', () => {
  expect(filenameFromDisposition('attachment; filename="Library cards 2026-03-12.csv"')).toBe('Library cards 2026-03-12.csv')
  expect(filenameFromDisposition(`attachment; filename="R_ga.csv"; filename*=UTF-8''R%C4%ABga.csv`)).toBe('Rīga.csv')
  expect(filenameFromDisposition('inline')).toBeNull()
  expect(filenameFromDisposition(null)).toBeNull()
})
