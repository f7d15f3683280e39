/**
 * Token buckets: a sustained rate with room for bursts. One bucket per connection for
 * messages and bytes; keyed buckets per address for board creation and failed keys.
 * The clock is injected so tests need no sleeping.
 */
export type Clock = () => number

export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    /** Tokens added per second. */
    private readonly rate: number,
    /** Most tokens the bucket holds (the burst). */
    private readonly capacity: number,
    private readonly now: Clock = Date.now,
  ) {
    this.tokens = capacity
    this.last = now()
  }

  /** Takes `cost` tokens if there are enough; false (taking nothing) otherwise. */
  take(cost = 1): boolean {
    const now = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }

  /** Whether `cost` tokens are available now, without taking them. */
  peek(cost = 1): boolean {
    const now = this.now()
    return Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate) >= cost
  }
}

/** Buckets by key (an address), forgotten once full again so the map cannot grow without bound. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>()
  private sweeps = 0

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly now: Clock = Date.now,
  ) {}

  take(key: string, cost = 1): boolean {
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = new TokenBucket(this.rate, this.capacity, this.now)
      this.buckets.set(key, bucket)
    }
    const ok = bucket.take(cost)
    if (++this.sweeps % 1000 === 0) this.sweep()
    return ok
  }

  /** Whether `key` could take `cost` now, without taking. */
  allows(key: string, cost = 1): boolean {
    return this.buckets.get(key)?.peek(cost) ?? true
  }

  get size(): number {
    return this.buckets.size
  }

  private sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.peek(this.capacity)) this.buckets.delete(key)
  }
}
