/**
 * Subscription periods are calendar months counted from the run's anchor: the n-th period of a run ends n
 * months after it began, on the anchor's day of the month, or the month's last day when it has fewer days
 * (a run begun on 31 January renews on 28 or 29 February, then on 31 March). Counting from the anchor
 * rather than from the previous end keeps a short month from moving every later renewal.
 */
export function monthsAfter(anchor: Date, months: number): Date {
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(anchor.getUTCDate(), lastDay), anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds()));
}

/** The bounds of the run's `streakMonths`-th period (1 for the first). */
export function periodOfRun(anchor: Date, streakMonths: number): { start: Date; end: Date } {
  return { start: monthsAfter(anchor, streakMonths - 1), end: monthsAfter(anchor, streakMonths) };
}

/**
 * What moving up to a dearer tier costs for the rest of the period: the difference of the two monthly prices
 * in proportion to the time left, rounded down to whole coins, and at least one coin (a transfer moves
 * something). Moving down costs nothing and takes effect at the next renewal, as coins are never refunded.
 */
export function upgradeCoins(input: { fromPriceCoins: number; toPriceCoins: number; periodStart: Date; periodEnd: Date; at: Date }): number {
  const difference = BigInt(input.toPriceCoins - input.fromPriceCoins);
  const periodMs = BigInt(input.periodEnd.getTime() - input.periodStart.getTime());
  const leftMs = BigInt(Math.max(0, input.periodEnd.getTime() - input.at.getTime()));
  const prorated = Number((difference * leftMs) / periodMs);
  return Math.max(1, prorated);
}
