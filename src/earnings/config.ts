import { ConfigError } from '../config/index.js';
import { isAsset, minorUnitDigits } from '../ledger/index.js';

/**
 * One diamond's cash value as an exact fraction of the currency's minor unit:
 * `0.005 USD` is 5/10 of a cent. Never a float.
 */
export interface DiamondValue {
  readonly numeratorMinor: bigint;
  readonly denominator: bigint;
  /** ISO 4217. */
  readonly currency: string;
}

export interface EarningsConfig {
  readonly diamondValue: DiamondValue;
}

export const EARNINGS_CONFIG_DEFAULTS = {
  PAYOUT_DIAMOND_VALUE: '0.005 USD',
} as const;

/** Enough for any real rate; more fraction digits are a typo. */
const MAX_FRACTION_DIGITS = 12;
/** A diamond worth more than this much of a currency's major unit is a typo too. */
const MAX_MAJOR_UNITS = 1_000_000n;

/**
 * Reads PAYOUT_DIAMOND_VALUE (see docs/configuration.md): a decimal amount of
 * a currency's major unit and the currency, such as `0.005 USD`. An empty
 * variable counts as unset. Throws a ConfigError naming it when invalid.
 */
export function loadEarningsConfig(env: Readonly<Record<string, string | undefined>> = process.env): EarningsConfig {
  const raw = env.PAYOUT_DIAMOND_VALUE?.trim() || EARNINGS_CONFIG_DEFAULTS.PAYOUT_DIAMOND_VALUE;
  return { diamondValue: parseDiamondValue(raw) };
}

function parseDiamondValue(raw: string): DiamondValue {
  const invalid = (why: string) => new ConfigError('PAYOUT_DIAMOND_VALUE', `${why}, such as "0.005 USD"; got ${JSON.stringify(raw)}`);
  const match = new RegExp(`^(\\d{1,7})(?:\\.(\\d{1,${MAX_FRACTION_DIGITS}}))?\\s+([A-Za-z]{3})$`).exec(raw);
  if (!match) throw invalid(`expected a decimal amount (up to ${MAX_FRACTION_DIGITS} decimals) and an ISO 4217 currency code`);
  const [, whole, fraction = '', code] = match as unknown as [string, string, string | undefined, string];
  const currency = code.toUpperCase();
  if (!isAsset(currency)) throw invalid(`${currency} is not an ISO 4217 currency code`);
  const scaled = BigInt(whole + fraction);
  const denominator = 10n ** BigInt(fraction.length);
  if (scaled === 0n) throw invalid('a diamond must be worth more than nothing');
  if (scaled > MAX_MAJOR_UNITS * denominator) throw invalid(`a diamond may be worth at most ${MAX_MAJOR_UNITS} of the currency`);
  return { numeratorMinor: scaled * 10n ** BigInt(minorUnitDigits(currency)), denominator, currency };
}

/** What `diamonds` are worth, rounded down to the currency's minor unit (towards minus infinity for a negative balance). */
export function diamondCashValue(config: EarningsConfig, diamonds: bigint): { amount: bigint; currency: string } {
  const { numeratorMinor, denominator, currency } = config.diamondValue;
  const product = diamonds * numeratorMinor;
  const quotient = product / denominator;
  const amount = product < 0n && quotient * denominator !== product ? quotient - 1n : quotient;
  return { amount, currency };
}
