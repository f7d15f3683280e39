/**
 * Preloaded into every server under test (`node --expose-gc --import memoryProbe.ts ...`): on
 * SIGUSR2 it runs a full garbage collection and prints the process's memory as one line on
 * stderr, so that memory figures compare live data, not whenever V8 last collected.
 * Nothing else changes in the server; without the signal this module does nothing.
 */
export const MEMORY_LINE_PREFIX = 'BENCH_MEMORY '

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc
  // Twice: the first pass can leave objects that only the second finds unreachable (weak refs).
  gc?.()
  gc?.()
  process.stderr.write(`${MEMORY_LINE_PREFIX}${JSON.stringify({ ...process.memoryUsage(), gc: gc !== undefined })}\n`)
})
