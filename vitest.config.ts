/**
 * npm test runs unit, integration and end-to-end tests. End-to-end tests need the built
 * client (npm test builds it first) and Chromium; they run one file at a time because a
 * 2-core machine cannot run several browsers and servers at once without timing out.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/{unit,integration,e2e,fault}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // Browser conditions settle in hundreds of milliseconds on an idle machine but can take
    // seconds on a loaded 2-core one; vitest's default of 1 s made waits flaky, not stricter.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    reporters: ['default'],
  },
})
