/**
 * The server's structured report: from the stored document, without a browser, for the
 * facilitator only, using the same shared model code as the client.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type { TLRecord } from '@tldraw/tlschema'
import { createTemplate, withCardKind, renderReport } from '../../shared/journey/index.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { journeyLabels, reportLanguage } from '../../shared/journey/labelsByLocale.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

let dir: TmpDir
let server: TestServer
const clients: TestClient[] = []

beforeEach(async () => {
  dir = await createTmpDir()
  server = await startServer(dir.path)
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  await dir.remove()
})

/** A page with a journey map and one card in its first cell, as tldraw records. */
function boardRecords(): TLRecord[] {
  let n = 0
  const newId = () => `shape:r${++n}` as never
  const page = { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} } as unknown as TLRecord
  const template = createTemplate('journey', { parentId: 'page:page' as never, x: 0, y: 0, newId }) as unknown as TLRecord[]
  const frame = template[0] as unknown as { id: string; meta: { codesign: { geometry: { headerW: number; headerH: number } } } }
  const { headerW, headerH } = frame.meta.codesign.geometry
  const note = withCardKind(
    {
      id: 'shape:card1',
      typeName: 'shape',
      type: 'note',
      x: headerW + 20,
      y: headerH + 20,
      rotation: 0,
      index: 'a9',
      parentId: frame.id,
      isLocked: false,
      opacity: 1,
      meta: {},
      props: {
        color: 'black', labelColor: 'black', size: 'm', font: 'draw', fontSizeAdjustment: 0, align: 'middle',
        verticalAlign: 'middle', growY: 0, url: '', scale: 1, richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Queue at the desk, <script>alert(1)</script>' }] }] },
      },
    } as never,
    'painPoint',
  ) as unknown as TLRecord
  return [page, ...template, note]
}

it('exports the journey map as md, csv, html and json for the facilitator, the same as the shared code gives', async () => {
  const board = await createBoardOver(server.url, 'Library cards')
  const alice = connectClient(server.url, board.id, board.facilitatorKey)
  clients.push(alice)
  await alice.synced()
  const records = boardRecords()
  const kv = new YKeyValue<unknown>(alice.doc.getArray(DocKeys.records))
  alice.doc.transact(() => {
    for (const r of records) kv.set(r.id, r)
  })
  await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getArray(DocKeys.records).length === records.length)
  // Unloaded: the export reads the stored document.
  alice.destroy()
  await waitFor(() => server.server.rooms.loaded(board.id) === undefined)

  const get = (format: string, key = board.facilitatorKey) =>
    fetch(`${server.url}/api/boards/${board.id}/export?format=${format}`, { headers: { 'x-board-key': key } })
  expect((await get('md', board.editorKey)).status).toBe(403)
  expect((await fetch(`${server.url}/api/boards/${board.id}/export?format=md`)).status).toBe(403)
  expect((await get('pdf')).status).toBe(400)

  const date = new Date().toISOString().slice(0, 10)
  for (const format of ['md', 'csv', 'html', 'json'] as const) {
    const response = await get(format)
    expect(response.status, format).toBe(200)
    expect(response.headers.get('content-disposition'), format).toMatch(new RegExp(`attachment; filename="Library cards ${date}\\.${format}"`))
    const text = await response.text()
    expect(text, format).toBe(renderReport(format, { title: 'Library cards', date, records }))
  }
  const csv = await (await get('csv')).text()
  expect(csv).toContain('Queue at the desk')
  // In the language the facilitator picks: the same report, Latvian labels.
  const latvian = await (
    await fetch(`${server.url}/api/boards/${board.id}/export?format=csv&lang=lv`, { headers: { 'x-board-key': board.facilitatorKey } })
  ).text()
  expect(latvian).toBe(renderReport('csv', { title: 'Library cards', date, records, ...reportLanguage('lv') }))
  expect(latvian.split('\r\n')[0]).toContain(journeyLabels('lv')('report.column.stage'))
  expect(latvian.split('\r\n')[0]).not.toBe(csv.split('\r\n')[0])
  const html = await (await get('html')).text()
  expect(html).not.toContain('<script>alert(1)</script>')
  expect(html).toContain('&lt;script&gt;')
})
