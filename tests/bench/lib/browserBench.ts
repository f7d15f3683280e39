/**
 * Browser helpers of the drawing and client scenarios (headless Chromium, see
 * tests/helpers/browser.ts): reaching a page's tldraw editor, timing when its shapes show,
 * and reading the main thread's busy time.
 *
 * The app keeps its editor to itself (no debug hook on `window`). The benchmark reaches it
 * the way React's developer tools do: from a DOM node of the canvas up React's fiber tree
 * to the context provider whose value is the editor. Bench only; a page of plain tldraw
 * (plain/main.tsx) puts its editor on `window.__benchEditor` itself.
 */
import type { CDPSession, Page } from 'playwright-core'

/**
 * tsx compiles this code with esbuild's keepNames, which wraps named functions in a `__name`
 * helper; functions handed to the page carry those calls but not the helper. Defined in the
 * page (before anything else runs, and now), they work as written.
 */
const NAME_HELPER = 'globalThis.__name = globalThis.__name || ((fn) => fn)'

/** Call on a new page before navigating and before the other helpers. */
export async function preparePage(page: Page): Promise<void> {
  await page.addInitScript(NAME_HELPER)
  await page.evaluate(NAME_HELPER)
}

/**
 * Finds the page's tldraw editor and leaves it on `window.__benchEditor`. Resolves false
 * when there is none (yet).
 */
export async function exposeEditor(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const w = window as unknown as { __benchEditor?: unknown }
    if (w.__benchEditor) return true
    const isEditor = (value: unknown): boolean =>
      typeof value === 'object' &&
      value !== null &&
      'store' in value &&
      typeof (value as { getCurrentPageShapes?: unknown }).getCurrentPageShapes === 'function'
    for (const element of Array.from(document.querySelectorAll('.tl-canvas, .tl-shapes, .tl-container'))) {
      const key = Object.keys(element).find((k) => k.startsWith('__reactFiber$'))
      if (!key) continue
      let fiber = (element as unknown as Record<string, unknown>)[key] as
        | { memoizedProps?: Record<string, unknown> | null; return?: unknown }
        | undefined
      while (fiber) {
        const props = fiber.memoizedProps
        if (props && isEditor(props.value)) {
          w.__benchEditor = props.value
          return true
        }
        if (props && isEditor(props.editor)) {
          w.__benchEditor = props.editor
          return true
        }
        fiber = fiber.return as typeof fiber
      }
    }
    return false
  })
}

/**
 * Before navigating: makes the page note the time (ms since navigation start) when it first
 * has `count` shapes in its DOM, checked every animation frame.
 */
export async function noteWhenShapesShow(page: Page, count: number): Promise<void> {
  await page.addInitScript((target: number) => {
    const w = window as unknown as { __benchShownAt?: number }
    const shapes = document.getElementsByClassName('tl-shape')
    const check = () => {
      if (shapes.length >= target) w.__benchShownAt = performance.now()
      else requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  }, count)
}

/** Waits until the shapes noted by noteWhenShapesShow are shown; returns the time noted. */
export async function shapesShownAt(page: Page, timeout: number): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { __benchShownAt?: number }).__benchShownAt, undefined, {
    timeout,
    polling: 250,
  })
  return (await handle.jsonValue()) as number
}

/** Total main-thread task time of the page so far, in ms (Chromium's TaskDuration metric). */
export async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const task = metrics.find((m) => m.name === 'TaskDuration')
  if (!task) throw new Error('no TaskDuration metric')
  return task.value * 1000
}
