/**
 * Schedules of values that take effect from an instant (the diamond's value, tax rates): kept oldest
 * first, each in force from its `effectiveFrom` (inclusive; null for "from the beginning") until the
 * next one's. A value starts in the future or now, never in the past, so what was decided under an
 * earlier value stays as it was.
 */
export interface Effective {
  effectiveFrom: string | null;
}

/** Each entry with `effectiveUntil`, the next entry's start (exclusive), or null for the last. */
export function withEffectiveUntil<T extends Effective>(entries: readonly T[]): (T & { effectiveUntil: string | null })[] {
  return entries.map((entry, index) => ({ ...entry, effectiveUntil: entries[index + 1]?.effectiveFrom ?? null }));
}

/** The entry of `entries` (oldest first) in force at the instant `at`; undefined when none has started. */
export function inForceAt<T extends Effective>(entries: readonly T[], at: string): T | undefined {
  return entries.filter((entry) => entry.effectiveFrom === null || entry.effectiveFrom <= at).at(-1);
}
