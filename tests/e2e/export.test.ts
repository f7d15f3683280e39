/**
 * Exports in a real browser, from a board with a journey map, a stakeholder map (page 1) and a
 * persona (page 2): a PNG of one frame has the frame's size; an SVG carries its fonts; the PDF
 * has one page per frame in reading order, each titled (as text) with the frame's name and the
 * board's title, and the cards' text is text too, Latvian and Cyrillic letters included (the PDF
 * embeds a font for them); the .tldr file imports into a new board that
 * shows the same shapes; an import the server refuses says why and changes nothing.
 */
import { readFile } from 'node:fs/promises'
import { inflateSync } from 'node:zlib'
import { expect, it } from 'vitest'
import type { Download, Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type { TLRecord } from '@tldraw/tlschema'
import { createTemplate, withCardKind, type CardKind } from '../../shared/journey/index.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { KEY_HEADER } from '../../shared/api.ts'
import { assetsPath, type UploadAssetResponse } from '../../shared/assets.ts'
import { GIF, makePng } from '../fixtures/media.ts'
import { createBoardOver } from '../helpers/server.ts'
import { openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { connectClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

const suite = useBrowserSuite()
const people = suite.people

async function person(name: string, viewport?: { width: number; height: number }): Promise<Person> {
  const p = await openAs(suite.browser, suite.server.url, name, viewport)
  people.push(p)
  return p
}

function card(id: string, parentId: string, x: number, y: number, text: string, kind: CardKind): TLRecord {
  return withCardKind(
    {
      id,
      typeName: 'shape',
      type: 'note',
      x,
      y,
      rotation: 0,
      index: 'a9',
      parentId,
      isLocked: false,
      opacity: 1,
      meta: {},
      props: {
        color: 'black', labelColor: 'black', size: 'm', font: 'draw', fontSizeAdjustment: 1, align: 'middle',
        verticalAlign: 'middle', growY: 0, url: '', scale: 1, textLastEditedBy: null,
        richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] },
      },
    } as never,
    kind,
  ) as unknown as TLRecord
}

/** An uploaded picture on the board: its asset record and an image shape showing it. */
async function picture(boardId: string, key: string, n: number, bytes: Buffer, mimeType: string, place: { parentId: string; x: number; y: number }): Promise<TLRecord[]> {
  const uploaded = await fetch(suite.server.url + assetsPath(boardId), { method: 'POST', headers: { [KEY_HEADER]: key }, body: new Uint8Array(bytes) })
  if (uploaded.status !== 201 && uploaded.status !== 200) throw new Error(`upload: ${uploaded.status}`)
  const { src } = (await uploaded.json()) as UploadAssetResponse
  const assetId = `asset:pic${n}`
  return [
    { id: assetId, typeName: 'asset', type: 'image', meta: {}, props: { name: `pic${n}`, src, w: 40, h: 30, mimeType, isAnimated: false, fileSize: bytes.length } },
    {
      id: `shape:pic${n}`, typeName: 'shape', type: 'image', ...place, rotation: 0, index: 'aB', isLocked: false, opacity: 1, meta: {},
      props: { w: 160, h: 120, assetId, playing: true, url: '', crop: null, flipX: false, flipY: false, altText: `Picture ${n}` },
    },
  ] as unknown as TLRecord[]
}

/** The frames, in reading order (the stakeholder map renamed in Latvian), and what is drawn in them. */
const LATVIAN_FRAME = 'Ieinteresēto pušu karte — Привет'
const FRAMES = ['Citizen journey map', LATVIAN_FRAME, 'Persona and empathy map']
const LATVIAN_CARD = 'Klientu ceļa karte — ā ē ī ķ ļ ņ š ū ž; Привет'
const CARD_TEXTS = ['Long queue', 'Online form', LATVIAN_CARD]

/**
 * Writes the maps into the board through a real y-websocket client, onto the page the
 * facilitator's browser seeded (page 1) and a second page, and waits until the browser shows them.
 */
async function seedMaps(boardId: string, key: string, page: Page): Promise<{ journey: { w: number; h: number } }> {
  const client = connectClient(suite.server.url, boardId, key)
  try {
    await client.synced()
    const kv = new YKeyValue<unknown>(client.doc.getArray(DocKeys.records))
    await waitFor(() => kv.has('page:page'), { message: 'the seeded page' })
    let n = 0
    const newId = () => `shape:seed${++n}` as never
    const journey = createTemplate('journey', { parentId: 'page:page' as never, x: 0, y: 0, newId }) as unknown as TLRecord[]
    const stakeholders = createTemplate('stakeholders', { parentId: 'page:page' as never, x: 0, y: 2600, newId, index: 'a5' as never }) as unknown as TLRecord[]
    const persona = createTemplate('persona', { parentId: 'page:second' as never, x: 0, y: 0, newId }) as unknown as TLRecord[]
    const frame = journey[0] as unknown as { id: string; props: { w: number; h: number }; meta: { codesign: { geometry: { headerW: number; headerH: number } } } }
    const { headerW, headerH } = frame.meta.codesign.geometry
    const stakeholderFrame = stakeholders[0] as unknown as { type: string; props: { name: string } }
    if (stakeholderFrame.type !== 'frame') throw new Error('the stakeholder map starts with its frame')
    stakeholderFrame.props.name = LATVIAN_FRAME
    const records: TLRecord[] = [
      ...journey,
      card('shape:card1', frame.id, headerW + 20, headerH + 20, CARD_TEXTS[0] ?? '', 'painPoint'),
      card('shape:card2', frame.id, headerW + 540, headerH + 20, CARD_TEXTS[1] ?? '', 'touchpoint'),
      card('shape:card3', frame.id, headerW + 1060, headerH + 20, CARD_TEXTS[2] ?? '', 'quote'),
      // A PNG and a GIF (which jsPDF cannot draw as it is) in the journey map.
      ...(await picture(boardId, key, 1, makePng(40, 30), 'image/png', { parentId: frame.id, x: headerW + 20, y: headerH + 300 })),
      ...(await picture(boardId, key, 2, GIF, 'image/gif', { parentId: frame.id, x: headerW + 540, y: headerH + 300 })),
      ...stakeholders,
      { id: 'page:second', typeName: 'page', name: 'Persona', index: 'a2', meta: {} } as unknown as TLRecord,
      ...persona,
    ]
    client.doc.transact(() => {
      for (const r of records) kv.set(r.id, r)
    })
    await expect.poll(() => page.locator('.tl-shape[data-shape-type="frame"]').count(), { timeout: 15_000 }).toBe(2)
    return { journey: { w: frame.props.w, h: frame.props.h } }
  } finally {
    client.destroy()
  }
}

/** Opens one of the facilitator's file dialogs: from the Files menu, or the Session menu on a phone. */
async function openFileDialog(page: Page, name: 'export' | 'import') {
  const files = page.getByTestId('files-menu-toggle')
  await (await files.isVisible() ? files : page.getByTestId('session-menu-toggle')).click()
  await page.getByTestId(`${name}-button`).click()
  const dialog = page.getByTestId(`${name}-dialog`)
  await dialog.waitFor()
  return dialog
}

async function download(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()])
  const path = await file.path()
  return { download: file, bytes: await readFile(path) }
}

type PdfObject = { dict: string; stream?: Buffer }

/** The objects of a PDF (as jsPDF writes them: `n 0 obj … endobj`, streams with a direct /Length). */
function pdfObjects(bytes: Buffer): Map<number, PdfObject> {
  const text = bytes.toString('latin1')
  const objects = new Map<number, PdfObject>()
  const head = /(\d+) 0 obj/g
  for (let match = head.exec(text); match; match = head.exec(text)) {
    const start = match.index + match[0].length
    const streamAt = text.indexOf('stream', start)
    const endAt = text.indexOf('endobj', start)
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = text.slice(start, streamAt)
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1])
      let dataStart = streamAt + 'stream'.length
      if (text[dataStart] === '\r') dataStart++
      if (text[dataStart] === '\n') dataStart++
      const raw = bytes.subarray(dataStart, dataStart + length)
      objects.set(Number(match[1]), { dict, stream: /FlateDecode/.test(dict) ? inflateSync(raw) : raw })
      head.lastIndex = dataStart + length
    } else {
      objects.set(Number(match[1]), { dict: text.slice(start, endAt) })
    }
  }
  return objects
}

/** What a ToUnicode CMap (as jsPDF writes it: bfchar and bfrange entries) maps each code to. */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>()
  const hexText = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((u) => Number.parseInt(u, 16)))
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(Number.parseInt(code ?? '', 16), hexText(text ?? ''))
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, start] of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      const first = Number.parseInt(start ?? '', 16)
      for (let code = Number.parseInt(lo ?? '', 16); code <= Number.parseInt(hi ?? '', 16); code++) map.set(code, String.fromCharCode(first + code - Number.parseInt(lo ?? '', 16)))
    }
  }
  return map
}

/**
 * The strings a content stream shows (Tj and TJ operands), as text: literal strings with PDF
 * escapes undone; hex strings of an embedded font (Identity-H: two bytes a glyph) through the
 * ToUnicode CMap of the font last chosen with Tf. `fonts` maps a font's resource name to it.
 */
function shownText(content: string, fonts: Map<string, Map<number, string>>): string[] {
  const strings: string[] = []
  const operand = /\((?:\\.|[^\\)])*\)|<[0-9a-fA-F\s]*>/g
  let cmap: Map<number, string> | undefined
  const decode = (s: string) => {
    if (s.startsWith('(')) return s.slice(1, -1).replace(/\\([()\\])/g, '$1')
    const hex = s.slice(1, -1).replace(/\s+/g, '')
    if (!cmap) return String.fromCharCode(...(hex.match(/.{2}/g) ?? []).map((b) => Number.parseInt(b, 16)))
    const glyphs = cmap
    return (hex.match(/.{4}/g) ?? []).map((g) => glyphs.get(Number.parseInt(g, 16)) ?? '\uFFFD').join('')
  }
  for (const op of content.matchAll(/\/([^\s/]+)\s+[\d.]+\s+Tf|(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F\s]*>)\s*Tj|\[((?:\\.|[^\]\\])*)\]\s*TJ/g)) {
    if (op[1] !== undefined) cmap = fonts.get(op[1])
    else strings.push((op[2] ? [op[2]] : [...(op[3] ?? '').matchAll(operand)].map((m) => m[0])).map(decode).join(''))
  }
  return strings
}

/** Per page, in order: the text shown by its own content stream. And all text of the file. */
function readPdf(bytes: Buffer): { pages: string[][]; allText: string[] } {
  const objects = pdfObjects(bytes)
  // Resource name (/F14) of each embedded font with a ToUnicode CMap, and that CMap.
  const fonts = new Map<string, Map<number, string>>()
  for (const [, name, id] of bytes.toString('latin1').matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const cmapId = /\/ToUnicode (\d+) 0 R/.exec(objects.get(Number(id))?.dict ?? '')?.[1]
    const cmap = cmapId && objects.get(Number(cmapId))?.stream
    if (name && cmap) fonts.set(name, toUnicode(cmap.toString('latin1')))
  }
  const pagesRoot = [...objects.values()].find((o) => /\/Type\s*\/Pages\b/.test(o.dict))
  const kids = [...(/\/Kids\s*\[([^\]]*)\]/.exec(pagesRoot?.dict ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]))
  const pages = kids.map((id) => {
    const page = objects.get(id)
    if (!page || !/\/Type\s*\/Page\b(?!s)/.test(page.dict)) throw new Error(`object ${id} is not a page`)
    const contents = Number(/\/Contents (\d+) 0 R/.exec(page.dict)?.[1])
    return shownText(objects.get(contents)?.stream?.toString('latin1') ?? '', fonts)
  })
  // Every stream but the embedded font files (/Length1) and CMaps.
  const allText = [...objects.values()].flatMap((o) =>
    o.stream && !/\/Length1\b/.test(o.dict) && !o.stream.includes('begincmap') ? shownText(o.stream.toString('latin1'), fonts) : [],
  )
  return { pages, allText }
}

/** Shapes drawn on the current page, by type (tldraw keeps shapes outside the view in the DOM). */
async function shapesByType(page: Page): Promise<Record<string, number>> {
  return page.locator('.tl-shapes .tl-shape').evaluateAll((shapes) => {
    const counts: Record<string, number> = {}
    for (const shape of shapes) {
      const type = shape.getAttribute('data-shape-type') ?? '?'
      counts[type] = (counts[type] ?? 0) + 1
    }
    return counts
  })
}

it('exports a frame as PNG at its size, the page as SVG with its fonts, and a PDF with a titled page per frame', async () => {
  const board = await createBoardOver(suite.server.url, 'Library cards')
  const alice = await person('Alice')
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(alice.page)
  const { journey } = await seedMaps(board.id, board.facilitatorKey, alice.page)

  const dialog = await openFileDialog(alice.page, 'export')
  // The frames of both pages are offered, in reading order.
  const options = await dialog.getByTestId('export-area').locator('option').allTextContents()
  expect(options.filter((o) => o.startsWith('Frame:'))).toEqual([
    'Frame: Citizen journey map (Page 1)',
    `Frame: ${LATVIAN_FRAME} (Page 1)`,
    'Frame: Persona and empathy map (Persona)',
  ])

  // PNG of the journey map at 1x: exactly the frame, one pixel per board unit.
  await dialog.getByTestId('export-area').selectOption({ label: 'Frame: Citizen journey map (Page 1)' })
  await dialog.getByTestId('export-scale').selectOption('1')
  const png = await download(alice.page, () => dialog.getByTestId('export-image').click())
  expect(png.download.suggestedFilename()).toMatch(/^Library cards - Citizen journey map \d{4}-\d{2}-\d{2}\.png$/)
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const image = PNG.sync.read(png.bytes)
  expect({ width: image.width, height: image.height }).toEqual({ width: journey.w, height: journey.h })
  await expect.poll(() => dialog.getByTestId('export-status').textContent()).toContain('Downloaded')

  // The persona (on page 2) exports without moving the facilitator off page 1.
  await dialog.getByTestId('export-area').selectOption({ label: 'Frame: Persona and empathy map (Persona)' })
  await dialog.getByTestId('export-scale').selectOption('2')
  const persona = PNG.sync.read((await download(alice.page, () => dialog.getByTestId('export-image').click())).bytes)
  expect(persona.width).toBe(2 * 1800)
  expect(await alice.page.locator('.tl-shape[data-shape-type="frame"]').count()).toBe(2)

  // SVG of the whole page, with the board's fonts inside it.
  await dialog.getByTestId('export-area').selectOption('page')
  await dialog.getByTestId('export-format-svg').check()
  const svg = await download(alice.page, () => dialog.getByTestId('export-image').click())
  const svgText = svg.bytes.toString('utf8')
  // (Checked with includes: the SVG is megabytes of embedded fonts, too long for a failure message.)
  expect(svgText.startsWith('<svg')).toBe(true)
  expect(svgText.includes('@font-face')).toBe(true)
  expect(svgText.includes('data:font/')).toBe(true)
  expect(svgText.includes('Long queue')).toBe(true)

  // The PDF: A3, a page per frame in reading order, each titled as text.
  await dialog.getByTestId('export-paper-a3').check()
  const pdf = await download(alice.page, () => dialog.getByTestId('export-pdf').click())
  expect(pdf.download.suggestedFilename()).toMatch(/^Library cards \d{4}-\d{2}-\d{2}\.pdf$/)
  expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  const { pages, allText } = readPdf(pdf.bytes)
  expect(pages).toHaveLength(FRAMES.length)
  for (const [i, title] of FRAMES.entries()) {
    expect(pages[i], `page ${i + 1}`).toContain(title)
    expect(pages[i]?.some((s) => s.startsWith('Library cards · ')), `page ${i + 1}`).toBe(true)
  }
  // A3 landscape: 1190.55 x 841.89 pt.
  expect(pdf.bytes.toString('latin1')).toMatch(/\/MediaBox \[0 0 1190\.5\d* 841\.8\d*\]/)
  // Both pictures are in it (the GIF turned into a PNG image).
  expect(pdf.bytes.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0).toBeGreaterThanOrEqual(2)
  // Card and header labels (HTML inside the SVG in tldraw) are text in the PDF, not pictures,
  // Latvian and Cyrillic letters as typed (a card's lines are runs of their own: joined by spaces).
  const shown = allText.join(' ').replace(/\s+/g, ' ')
  for (const text of [...CARD_TEXTS, 'Citizen actions']) expect(shown, text).toContain(text)
  // The embedded font is in the file: the standard PDF fonts have no Cyrillic.
  expect(pdf.bytes.toString('latin1')).toMatch(/\/BaseFont \/dejavusans\b/)
})

it('downloads the report (built from the data) and the archive from the server', async () => {
  const board = await createBoardOver(suite.server.url, 'Reports')
  const alice = await person('Alice')
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(alice.page)
  await seedMaps(board.id, board.facilitatorKey, alice.page)
  const dialog = await openFileDialog(alice.page, 'export')

  const csv = await download(alice.page, () => dialog.getByTestId('export-report-csv').click())
  expect(csv.download.suggestedFilename()).toMatch(/^Reports \d{4}-\d{2}-\d{2}\.csv$/)
  const rows = csv.bytes.toString('utf8')
  expect(rows).toContain('Long queue')
  expect(rows).toContain('Online form')
  const html = await download(alice.page, () => dialog.getByTestId('export-report-html').click())
  expect(html.bytes.toString('utf8')).toContain('Citizen journey map')

  const zip = await download(alice.page, () => dialog.getByTestId('export-archive').click())
  expect(zip.download.suggestedFilename()).toMatch(/^Reports \d{4}-\d{2}-\d{2}\.zip$/)
  expect([...zip.bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04])
  expect(zip.bytes.includes('board.tldr')).toBe(true)
})

it('downloads the board as a .tldr file that imports into a new board showing the same shapes', async () => {
  const board = await createBoardOver(suite.server.url, 'Round trip')
  const alice = await person('Alice')
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(alice.page)
  await seedMaps(board.id, board.facilitatorKey, alice.page)
  const before = await shapesByType(alice.page)
  expect(before).toMatchObject({ note: CARD_TEXTS.length, image: 2, frame: 2 })

  const dialog = await openFileDialog(alice.page, 'export')
  const tldr = await download(alice.page, () => dialog.getByTestId('export-tldr').click())
  expect(tldr.download.suggestedFilename()).toMatch(/^Round trip \d{4}-\d{2}-\d{2}\.tldr$/)
  const file = JSON.parse(tldr.bytes.toString('utf8')) as { tldrawFileFormatVersion: number; records: { typeName: string }[] }
  expect(file.tldrawFileFormatVersion).toBe(1)
  expect(file.records.filter((r) => r.typeName === 'page')).toHaveLength(2)
  await dialog.getByRole('button', { name: 'Close' }).click()

  // Import it into a new board, from the same facilitator's import dialog.
  const importDialog = await openFileDialog(alice.page, 'import')
  await importDialog.getByTestId('import-file').setInputFiles({ name: 'Round trip.tldr', mimeType: 'application/json', buffer: tldr.bytes })
  await importDialog.getByTestId('import-target-new').check()
  await importDialog.getByTestId('import-submit').click()
  const open = importDialog.getByTestId('import-open')
  await open.waitFor({ timeout: 15_000 })
  await expect(importDialog.getByTestId('import-status').textContent()).resolves.toContain('“Round trip” is ready')
  const link = await open.getAttribute('href')
  expect(link).toMatch(/^\/b\/[A-Za-z0-9_-]+#k=/)

  const bob = await person('Alice again')
  await bob.page.goto(suite.server.url + link)
  await waitForBoard(bob.page)
  await expect.poll(() => bob.page.getByTestId('role').textContent()).toBe('Facilitator')
  await expect.poll(() => shapesByType(bob.page), { timeout: 15_000 }).toEqual(before)
  for (const text of CARD_TEXTS) await expect.poll(() => bob.page.locator('.tl-shape[data-shape-type="note"]').filter({ hasText: text }).count()).toBe(1)
  // The original board is untouched.
  expect(await shapesByType(alice.page)).toEqual(before)
})

it('an import the server refuses says why and changes nothing', async () => {
  const board = await createBoardOver(suite.server.url, 'Refusals')
  const alice = await person('Alice', { width: 375, height: 740 })
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(alice.page)
  // On a phone the facilitator's controls are behind the Session menu.
  await expect(alice.page.getByTestId('files-menu-toggle').count()).resolves.toBe(0)
  const importDialog = await openFileDialog(alice.page, 'import')
  await importDialog.getByTestId('import-file').setInputFiles({ name: 'notes.tldr', mimeType: 'application/json', buffer: Buffer.from('{"hello": "world"}') })
  await importDialog.getByTestId('import-target-pages').check()
  await importDialog.getByTestId('import-submit').click()
  const error = importDialog.getByTestId('import-error')
  await error.waitFor()
  expect(await error.textContent()).toBe('This file cannot be imported: The file is not a tldraw board (.tldr). Nothing was changed.')
  expect(await shapesByType(alice.page)).toEqual({})
})
