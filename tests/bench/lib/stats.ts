/**
 * Summaries of latency samples: nearest-rank percentiles over a sorted copy, so a reported
 * p99 is a latency some delivery really had, never an interpolation between two.
 */

export type Summary = {
  count: number
  min: number
  mean: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** The `p`-th percentile (0-100) of ascending `sorted` by nearest rank; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1))
  return sorted[index] ?? Number.NaN
}

/** Count, mean, extremes and p50/p95/p99 of `samples`; null when there are none. */
export function summarize(samples: readonly number[]): Summary | null {
  if (samples.length === 0) return null
  // A Float64Array sorts numerically (an Array would sort as strings) and without boxing.
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const value of sorted) sum += value
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  }
}

/** Rounds for the report: sub-millisecond latencies keep two decimals, larger ones one. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}
