/**
 * A real headless Chromium (Debian's package) driven by playwright-core, with one browser
 * context per person so each has their own storage, name and cursor. Every request to a host
 * other than the server is recorded, so tests can assert there are none.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true })
}

export type Person = {
  name: string
  context: BrowserContext
  page: Page
  /** URLs requested from any host other than the server's. */
  outsideRequests: string[]
  /** Errors thrown in the page. */
  pageErrors: string[]
}

/**
 * A person's own browser context and page, every request to another host and every error in
 * the page recorded. Before the app loads, `locale` (if given) is set as the interface
 * language chosen on the device, and `name` (unless empty) as if the person had joined once.
 */
async function openPerson(
  browser: Browser,
  serverUrl: string,
  name: string,
  options: { viewport: { width: number; height: number }; hasTouch?: boolean; isMobile?: boolean },
  locale?: string,
): Promise<Person> {
  const context = await browser.newContext({ ...options, locale: 'en-GB' })
  const origin = new URL(serverUrl).origin
  const outsideRequests: string[] = []
  const pageErrors: string[] = []
  context.on('request', (request) => {
    const url = request.url()
    if (url.startsWith('data:') || url.startsWith('blob:')) return
    if (new URL(url).origin !== origin && !url.startsWith(origin.replace('http', 'ws'))) outsideRequests.push(url)
  })
  if (name || locale) {
    await context.addInitScript(
      ({ n, l }) => {
        if (l) localStorage.setItem('codesign:locale', l)
        if (n && !localStorage.getItem('codesign:user')) {
          localStorage.setItem('codesign:user', JSON.stringify({ id: 'u' + Math.random().toString(36).slice(2, 14), name: n, color: '#1971c2' }))
        }
      },
      { n: name, l: locale ?? '' },
    )
  }
  const page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  return { name, context, page, outsideRequests, pageErrors }
}

/**
 * Opens a page as a named person. The name is put in localStorage before the app loads, as if
 * the person had joined once on this device; pass `name: ''` to see the join step.
 */
export function openAs(browser: Browser, serverUrl: string, name: string, viewport = { width: 1280, height: 800 }): Promise<Person> {
  return openPerson(browser, serverUrl, name, { viewport })
}

/** Waits until the tldraw editor is up (its shapes layer exists) and the board is synced. */
export async function waitForBoard(page: Page, timeout = 30_000): Promise<void> {
  await page.locator('.tl-canvas .tl-shapes').first().waitFor({ state: 'attached', timeout })
}

/**
 * The camera a page shows, read from the transform tldraw puts on its shapes layer
 * (`scale(z) translate(x, y)`, x and y nudged by a fraction of a pixel for crisp edges).
 */
export async function cameraOf(page: Page): Promise<{ x: number; y: number; z: number }> {
  const transform = await page.locator('.tl-html-layer.tl-shapes').first().evaluate((el) => (el as HTMLElement).style.transform)
  const match = /scale\(([-\d.e]+)\)\s*translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)/.exec(transform)
  if (!match) throw new Error(`unexpected camera transform: ${transform}`)
  return { z: Number(match[1]), x: Number(match[2]), y: Number(match[3]) }
}

/** A phone's screen: 375 px wide, as the smallest phones most participants bring. */
export const PHONE = { width: 375, height: 740 } as const

/**
 * Opens a page as a named person on a phone: a 375 px touch screen (`hasTouch`, `isMobile`),
 * with the interface language `locale` chosen on the device before the app loads. Pass
 * `name: ''` to see the join step. Outside requests and page errors are recorded as in openAs.
 */
export function openOnPhone(browser: Browser, serverUrl: string, name: string, locale: string): Promise<Person> {
  return openPerson(browser, serverUrl, name, { viewport: PHONE, hasTouch: true, isMobile: true }, locale)
}
