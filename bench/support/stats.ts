/** Rounds to `digits` decimals, for figures a person reads. */
export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The value at or below which `fraction` of the samples fall (nearest rank); `sorted` is in ascending order. NaN for no samples. */
export function percentile(sorted: Float64Array | number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index]!;
}

/** p50, p99 and max of latencies in milliseconds. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What a run that timed nothing reports. */
export const NO_LATENCIES: LatencySummary = { count: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN };

export function summarizeLatencies(latenciesMs: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 0.5), 1),
    p99Ms: round(percentile(sorted, 0.99), 1),
    maxMs: round(sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!, 1),
  };
}

/** `12,345` */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** `1.5x` */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 10 ? round(value, 0) : round(value, value >= 1 ? 1 : 2)}x`;
}

/** `12.3 ms` style figures without the unit: one decimal under 100, none above. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? formatCount(value) : String(round(value, 1));
}

export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${round(fraction * 100, 0)}%` : 'n/a';
}
