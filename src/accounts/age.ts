import type { AccountsConfig } from '../config/index.js';

/** Whole years between a `YYYY-MM-DD` birth date and `now`, counted in UTC. */
export function ageInYears(birthDate: string, now: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - year;
  const beforeBirthday = now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return age;
}

/** True for a real calendar date in `YYYY-MM-DD` form. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function minimumSignupAge(config: AccountsConfig, region: string): number {
  return config.minimumSignupAgeByRegion[region] ?? config.minimumSignupAge;
}

function adultAge(config: AccountsConfig, region: string): number {
  return config.adultAgeByRegion[region] ?? config.adultAge;
}

/** Adults may buy coins, send and receive gifts and go live. Accounts without a birth date are operator accounts. */
export function isAdult(config: AccountsConfig, birthDate: string | null, region: string, now: Date): boolean {
  return birthDate === null || ageInYears(birthDate, now) >= adultAge(config, region);
}
