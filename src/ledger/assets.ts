import { LedgerError } from './errors.js';

/** Coins are bought and spent; diamonds are earned by creators and cashed out. Both count in whole units. */
export const COIN = 'COIN';
export const DIAMOND = 'DIAMOND';

const currencyCodes = new Set(Intl.supportedValuesOf('currency'));

/** True for COIN, DIAMOND and ISO 4217 currency codes. */
export function isAsset(value: string): boolean {
  return value === COIN || value === DIAMOND || currencyCodes.has(value);
}

export function assertAsset(value: unknown): string {
  if (typeof value !== 'string' || !isAsset(value)) {
    throw new LedgerError('invalid_asset', `unknown asset ${JSON.stringify(value)}: use COIN, DIAMOND or an ISO 4217 currency code`);
  }
  return value;
}

/** Digits after the decimal point in the asset's smallest unit: 2 for USD (cents), 0 for JPY, KRW, COIN and DIAMOND. */
export function minorUnitDigits(asset: string): number {
  if (asset === COIN || asset === DIAMOND) return 0;
  return new Intl.NumberFormat('en', { style: 'currency', currency: asset }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An amount in minor units as people read it: `$74.99`, `¥7,500`. */
export function formatMoney(amountMinor: bigint | number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(Number(amountMinor) / 10 ** minorUnitDigits(currency));
}
