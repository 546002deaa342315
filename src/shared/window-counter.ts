/**
 * Counts events per key in fixed windows, in memory: the limits of a process
 * that counts alone (no Redis, see src/bus/limits.ts); per-account lockouts
 * live in the database so every process sees them.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { startedAtMs: number; count: number }>();
  private sweptAtMs = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may act again, or 0 when it is under the limit. Does not count. */
  retryAfterMs(key: string): number {
    const window = this.current(key);
    if (!window || window.count < this.limit) return 0;
    return window.startedAtMs + this.windowMs - this.nowMs();
  }

  /** Counts one event for `key`. */
  hit(key: string): void {
    const now = this.nowMs();
    this.sweep(now);
    const window = this.current(key);
    if (window) window.count += 1;
    else this.windows.set(key, { startedAtMs: now, count: 1 });
  }

  /**
   * Counts one event for `key` unless it is at the limit, in one synchronous
   * step, so that concurrent callers cannot all pass a check made before the
   * count. Answers 0 when counted, else the milliseconds until `key` may act again.
   */
  take(key: string): number {
    const waitMs = this.retryAfterMs(key);
    if (waitMs > 0) return waitMs;
    this.hit(key);
    return 0;
  }

  /** Counts one event for `key` whatever its count; answers the count, this one included, and the milliseconds left in its window. */
  count(key: string): { count: number; resetInMs: number } {
    this.hit(key);
    const window = this.current(key)!;
    return { count: window.count, resetInMs: window.startedAtMs + this.windowMs - this.nowMs() };
  }

  /** Gives back one event counted by `take` for something that turned out not to count. */
  release(key: string): void {
    const window = this.current(key);
    if (window && window.count > 0) window.count -= 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string) {
    const window = this.windows.get(key);
    if (window && window.startedAtMs + this.windowMs <= this.nowMs()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Drops expired windows now and then, so memory stays bounded by the keys active in one window. */
  private sweep(now: number): void {
    if (now - this.sweptAtMs < this.windowMs) return;
    this.sweptAtMs = now;
    for (const [key, window] of this.windows) if (window.startedAtMs + this.windowMs <= now) this.windows.delete(key);
  }
}
