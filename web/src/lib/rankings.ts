/**
 * Ranking periods as people read them (docs/levels.md): the server counts hours, days, weeks (from Monday)
 * and months in UTC and answers the first instant of the period it shows; these turn that instant into
 * words and into the `at` of the period before or after.
 */
export type RankingPeriod = 'hour' | 'day' | 'week' | 'month' | 'all';

const HOUR_MS = 3_600_000;
const LENGTH_MS = { hour: HOUR_MS, day: 24 * HOUR_MS, week: 7 * 24 * HOUR_MS } as const;

/** The first instant after the period that starts at `start`. */
function periodEnd(period: Exclude<RankingPeriod, 'all'>, start: Date): Date {
  if (period === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + LENGTH_MS[period]);
}

/** Whether the period that starts at `start` holds the present moment. */
function isCurrent(period: RankingPeriod, start: string | null, now: Date): boolean {
  return period === 'all' || start === null || periodEnd(period, new Date(start)) > now;
}

const THIS: Record<RankingPeriod, string> = { hour: 'This hour', day: 'Today', week: 'This week', month: 'This month', all: 'All time' };

/** Periods are UTC days, so their dates are named in UTC; an hour is the same hour everywhere and reads best in local time. */
function dateFormat(options: Intl.DateTimeFormatOptions, start: Date, now: Date): Intl.DateTimeFormat {
  const year = start.getUTCFullYear() === now.getUTCFullYear() ? {} : { year: 'numeric' as const };
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', ...year, ...options });
}

/** "This week", "Week of November 30", "Saturday, December 5", "November 2026", "Dec 6, 2:00 – 3:00 PM". */
export function periodLabel(period: RankingPeriod, start: string | null, now = new Date()): string {
  if (start === null || isCurrent(period, start, now)) return THIS[period];
  const first = new Date(start);
  switch (period) {
    case 'hour':
      return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).formatRange(first, periodEnd('hour', first));
    case 'day':
      return dateFormat({ weekday: 'long', month: 'long', day: 'numeric' }, first, now).format(first);
    case 'week':
      return `Week of ${dateFormat({ month: 'long', day: 'numeric' }, first, now).format(first)}`;
    case 'month':
      return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(first);
    default:
      return THIS.all;
  }
}

/** Where to step from the period shown: an instant in the one before, and in the one after (undefined for the present one, asked for without `at`). */
export interface PeriodSteps {
  previous: string;
  /** Absent while the present period is shown. */
  next?: { at: string | undefined; label: string };
}

/** The steps from the period of `period` that starts at `start`; none for all time. */
export function periodSteps(period: RankingPeriod, start: string | null, now = new Date()): PeriodSteps | undefined {
  if (period === 'all' || start === null) return undefined;
  const first = new Date(start);
  const previous = new Date(first.getTime() - 1).toISOString();
  if (isCurrent(period, start, now)) return { previous };
  const after = periodEnd(period, first).toISOString();
  return { previous, next: isCurrent(period, after, now) ? { at: undefined, label: THIS[period] } : { at: after, label: `Next ${period}` } };
}

/** The period and instant a ranking page's query string asks for: `fallback` for a period it does not offer, the present for an instant that is not one. */
export function rankingQuery<P extends RankingPeriod>(query: URLSearchParams, periods: readonly P[], fallback: P): { period: P; at: string | undefined } {
  const asked = query.get('period');
  const period = periods.find((choice) => choice === asked) ?? fallback;
  const at = query.get('at');
  return { period, at: period !== 'all' && at !== null && /^\d{4}-\d{2}-\d{2}/.test(at) && !Number.isNaN(Date.parse(at)) ? at : undefined };
}

/** "yet this week", "yet today", "that week": how an empty ranking says which period it is about. */
export function periodPhrase(period: RankingPeriod, start: string | null, now = new Date()): string {
  if (start === null || isCurrent(period, start, now)) return period === 'all' ? 'yet' : `yet ${THIS[period].toLowerCase()}`;
  return `that ${period}`;
}
