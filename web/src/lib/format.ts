/** Every amount the app shows goes through here: money in its currency, coins and diamonds as counts. */
import type { Money } from './types';

const numbers = new Intl.NumberFormat();

/** Digits after the decimal point in `currency` (2 for USD, 0 for JPY and KRW). */
function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** A decimal string of minor units, so formatting never goes through a binary float: 1999 USD → "19.99". */
function decimalString(minor: number, digits: number): string {
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** 499 USD → "$4.99"; 500 JPY → "¥500" (in the reader's locale). */
export function formatMoney(money: Money): string {
  const formatter = new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency });
  // Intl formats decimal strings exactly; TypeScript's lib types only number and bigint.
  return formatter.format(decimalString(money.amount, minorDigits(money.currency)) as unknown as number);
}

export function formatNumber(count: number): string {
  return numbers.format(count);
}

export function formatCoins(coins: number): string {
  return `${numbers.format(coins)} ${coins === 1 ? 'coin' : 'coins'}`;
}

export function formatDiamonds(diamonds: number): string {
  return `${numbers.format(diamonds)} ${diamonds === 1 ? 'diamond' : 'diamonds'}`;
}

const dateTimes = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string): string {
  return dateTimes.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dates.format(new Date(iso));
}

const times = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dayNames = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** The reader's calendar day of `date`, as a number of days since the epoch that is the same for every instant of that day. */
function dayOf(date: Date): number {
  return Math.floor(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / 86_400_000);
}

/** The time of day alone, such as "2:05 PM", where the day is said beside it. */
export function formatTime(iso: string): string {
  return times.format(new Date(iso));
}

/** Whether two instants fall on the same day where the reader is. */
export function sameDay(a: string, b: string): boolean {
  return dayOf(new Date(a)) === dayOf(new Date(b));
}

/**
 * From `earliest` to `latest` (the same instant for one moment) on a day as people say it:
 * "Today, 2:01 – 2:05 PM", "Yesterday, 9:12 AM", else "Dec 4, 2026, 3:00 – 3:20 PM".
 */
export function formatWhen(earliest: string, latest: string = earliest, now = new Date()): string {
  const [from, to] = [new Date(earliest), new Date(latest)];
  const daysAgo = dayOf(now) - dayOf(to);
  if (daysAgo !== 0 && daysAgo !== 1) return dateTimes.formatRange(from, to);
  const day = dayNames.format(-daysAgo, 'day');
  return `${day.charAt(0).toUpperCase()}${day.slice(1)}, ${times.formatRange(from, to)}`;
}

/** Instants in ISO 8601, as the API's messages and cases name them. */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** `text` from the server with each instant in it in the reader's time ("resets at Dec 7, 2026, 12:00 AM"). */
export function localizeInstants(text: string): string {
  return text.replace(ISO_INSTANT, (instant) => formatDateTime(instant));
}

/** Seconds as "m:ss", for countdowns. */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** "snake_case_words" → "Snake case words", for status and kind codes shown to people. */
export function humanize(code: string): string {
  const words = code.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The browsers and systems a User-Agent names, most specific first (Edge and Opera also say Chrome; Chrome also says Safari). */
const BROWSERS: readonly [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|Chromium\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: readonly [RegExp, string][] = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'Mac'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** A device as people name it, "Chrome on Mac", from its User-Agent; an app or tool the list does not know is "Another app". */
export function deviceName(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `A browser on ${system}` : 'Another app');
}
