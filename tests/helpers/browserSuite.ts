/**
 * The setup every end-to-end test file shares: a real server (in this process, its data in a
 * temporary folder) and one headless Chromium for the file's tests. After them, every person
 * added to `people` is checked: no request to another host, no error thrown in their page.
 */
import { afterAll, beforeAll, expect } from 'vitest'
import type { Browser } from 'playwright-core'
import { createTmpDir, type TmpDir } from './tmpDir.ts'
import { startServer, type TestServer } from './server.ts'
import { launchBrowser, type Person } from './browser.ts'

export type BrowserSuite = {
  /** Set before the file's first test runs. */
  dir: TmpDir
  server: TestServer
  browser: Browser
  /** The people whose pages are checked once the file's tests are done. */
  people: Person[]
}

/** Call at the top of a test file: starts the server and the browser, and stops them after. */
export function useBrowserSuite(): BrowserSuite {
  const suite = { people: [] as Person[] } as BrowserSuite
  beforeAll(async () => {
    suite.dir = await createTmpDir()
    suite.server = await startServer(suite.dir.path)
    suite.browser = await launchBrowser()
  })
  afterAll(async () => {
    for (const person of suite.people) {
      expect(person.outsideRequests, `${person.name}: requests to other hosts`).toEqual([])
      expect(person.pageErrors, `${person.name}: errors in the page`).toEqual([])
    }
    await suite.browser?.close()
    await suite.server?.close()
    await suite.dir?.remove()
  })
  return suite
}
