/** Waits for a condition instead of sleeping: polls until it holds or the time runs out. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeout = 10_000, interval = 20, message = 'condition' }: { timeout?: number; interval?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value as NonNullable<T>
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${message}${last ? `: ${String(last)}` : ''}`)
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}
