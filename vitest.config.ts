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
    reporters: ['default'],
  },
})
