/** The periods rankings are kept for. Every period starts and ends in UTC; a week starts on Monday. */
export const CREATOR_GIFTER_PERIODS = ['day', 'week', 'month', 'all'] as const;
export const CREATOR_PERIODS = ['hour', 'day', 'week'] as const;
export type RankingPeriod = 'hour' | 'day' | 'week' | 'month' | 'all';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The first instant of the period that holds `at`, as ISO 8601 UTC; '' for all time. */
export function periodStart(period: RankingPeriod, at: Date): string {
  const ms = at.getTime();
  switch (period) {
    case 'all':
      return '';
    case 'hour':
      return new Date(ms - (ms % HOUR_MS)).toISOString();
    case 'day':
      return new Date(ms - (ms % DAY_MS)).toISOString();
    case 'week': {
      const dayStart = ms - (ms % DAY_MS);
      // getUTCDay: 0 is Sunday; days since Monday.
      return new Date(dayStart - ((at.getUTCDay() + 6) % 7) * DAY_MS).toISOString();
    }
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString();
  }
}

/** Every period's start for instants within one hour, computed once per hour: every payment asks for them. */
let startsOfHour: { hourMs: number; starts: Record<RankingPeriod, string> } | undefined;

/** The first instant of each period holding `at` (see periodStart). */
export function periodStarts(at: Date): Readonly<Record<RankingPeriod, string>> {
  const hourMs = at.getTime() - (at.getTime() % HOUR_MS);
  if (startsOfHour?.hourMs !== hourMs) {
    const starts = { hour: '', day: '', week: '', month: '', all: '' };
    for (const period of Object.keys(starts) as RankingPeriod[]) starts[period] = periodStart(period, at);
    startsOfHour = { hourMs, starts };
  }
  return startsOfHour.starts;
}

/** The period holding `at`: its first instant and the first instant of the next, as ISO 8601 UTC ('' to '~' for all time). */
export function periodBounds(period: RankingPeriod, at: Date): { start: string; end: string } {
  const start = periodStart(period, at);
  if (period === 'all') return { start, end: '~' };
  const startMs = Date.parse(start);
  const lengthMs = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS }[period as 'hour' | 'day' | 'week'];
  const end = period === 'month' ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) : new Date(startMs + lengthMs);
  return { start, end: end.toISOString() };
}
