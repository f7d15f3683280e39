/**
 * The pure parts of the client's exports: the embedded PDF font chosen for each of tldraw's
 * fonts, safe file names, and the file name a download's
 * Content-Disposition header suggests.
 */
import { expect, it } from 'vitest'
import { PDF_FAMILIES, pdfFontFamily } from '../../client/export/svgText.ts'
import { fileSafe } from '../../client/export/download.ts'
import { filenameFromDisposition } from '../../client/api.ts'

it('prints tldraw\'s draw and sans fonts in DejaVu Sans, serif in DejaVu Serif and mono in DejaVu Sans Mono', () => {
  expect(pdfFontFamily('tldraw_draw, sans-serif')).toBe(PDF_FAMILIES.sans)
  expect(pdfFontFamily('"tldraw_sans", sans-serif')).toBe(PDF_FAMILIES.sans)
  expect(pdfFontFamily('tldraw_serif, serif')).toBe(PDF_FAMILIES.serif)
  expect(pdfFontFamily('tldraw_mono, monospace')).toBe(PDF_FAMILIES.mono)
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
