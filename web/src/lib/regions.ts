/** Regions offered at sign-up, named in the reader's language; the account's region decides prices and the age rules. */
const REGION_CODES = ['US', 'CA', 'MX', 'BR', 'GB', 'IE', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'JP', 'KR', 'IN', 'ID', 'PH', 'AU', 'NZ'];

const names = new Intl.DisplayNames(undefined, { type: 'region' });

export const REGIONS: readonly { code: string; name: string }[] = REGION_CODES.map((code) => ({ code, name: regionName(code) })).sort((a, b) => a.name.localeCompare(b.name));

/** A region's name in the reader's language ("United States" for US). */
export function regionName(code: string): string {
  return names.of(code) ?? code;
}

/** The region of the browser's language (en-GB → GB), when it is one we list. */
export function browserRegion(): string {
  const region = new Intl.Locale(navigator.language).maximize().region ?? 'US';
  return REGION_CODES.includes(region) ? region : 'US';
}
