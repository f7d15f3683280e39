/**
 * What the end-to-end tests do and read on a board page, as a person would: draw with the
 * keyboard shortcut and the pointer, count the shapes tldraw renders, read our status pill.
 */
import type { Page } from 'playwright-core'
import { toRichText } from '@tldraw/tlschema'

export function shapeCount(page: Page, type: string): Promise<number> {
  return page.locator(`.tl-shape[data-shape-type="${type}"]`).count()
}

/** The connection status's state: connecting, saving, saved, offline or closed. */
export function statusOf(page: Page): Promise<string | null> {
  return page.getByTestId('connection-status').getAttribute('data-state')
}

/** Draws a rectangle with the R shortcut and a drag from (x, y). */
export async function drawRectangle(page: Page, x = 400, y = 300): Promise<void> {
  await page.keyboard.press('r')
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + 80, y + 60, { steps: 5 })
  await page.mouse.move(x + 160, y + 120, { steps: 5 })
  await page.mouse.up()
}

/** Draws a short freehand stroke with the D shortcut from (x, y). */
export async function drawStroke(page: Page, x: number, y: number): Promise<void> {
  await page.keyboard.press('d')
  await page.mouse.move(x, y)
  await page.mouse.down()
  for (let i = 1; i <= 10; i++) await page.mouse.move(x + i * 12, y + (i % 2) * 15)
  await page.mouse.up()
}

/** A geo shape as tldraw 5 writes it, on the board's default page. */
export function geoShape(id: string, x: number, y: number, props: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    typeName: 'shape',
    type: 'geo',
    x,
    y,
    rotation: 0,
    index: 'a5',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      geo: 'ellipse',
      dash: 'draw',
      url: '',
      w: 120,
      h: 80,
      growY: 0,
      scale: 1,
      flipX: false,
      flipY: false,
      labelColor: 'black',
      color: 'red',
      fill: 'none',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText('from a raw client'),
      ...props,
    },
  }
}
