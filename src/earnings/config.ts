import { declareSettings, InvalidValue, readSetting, type Env, type ValueKind } from '../config/index.js';
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

/** Enough for any real rate; more fraction digits are a typo. */
const MAX_FRACTION_DIGITS = 12;
/** A diamond worth more than this much of a currency's major unit is a typo too. */
const MAX_MAJOR_UNITS = 1_000_000n;

export const EARNINGS_SETTINGS = declareSettings({
  PAYOUT_DIAMOND_VALUE: {
    module: 'earnings',
    default: '0.005 USD',
    ...diamondValue(),
    description:
      "What one diamond is worth in money: a decimal amount of a currency's major unit and its ISO 4217 code, separated by a space (the default makes 2,000 diamonds 10 USD). Any other form, such as `0.005` or `0,005 USD`, stops the server with `PAYOUT_DIAMOND_VALUE: expected a decimal amount …`. The value is used exactly, never as a float: cash values are rounded down to the currency's minor unit. It is the value of diamonds earned before the first value an admin schedules (Admin → Diamond value), which keep it afterwards; wallets added as payout methods are paid in its currency. See [finance.md](finance.md#the-diamonds-value).",
  },
});

/** Reads EARNINGS_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadEarningsConfig(env: Env = process.env): EarningsConfig {
  return { diamondValue: readSetting(env, EARNINGS_SETTINGS.PAYOUT_DIAMOND_VALUE) };
}

/** `0.005 USD`: a decimal amount of a currency's major unit and the currency. */
export function diamondValue(): ValueKind<DiamondValue> {
  return {
    type: 'amount and currency',
    allowed: `more than 0 and at most ${MAX_MAJOR_UNITS}, up to ${MAX_FRACTION_DIGITS} decimals, then an ISO 4217 code`,
    parse: (raw) => {
      const invalid = (why: string) => new InvalidValue(`${why}, such as "0.005 USD"; got ${JSON.stringify(raw)}`);
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
    },
  };
}

/** What `diamonds` are worth, rounded down to the currency's minor unit (towards minus infinity for a negative balance). */
export function diamondCashValue(config: EarningsConfig, diamonds: bigint): { amount: bigint; currency: string } {
  return lotsCashValue([{ diamonds, value: config.diamondValue }]);
}

/** What lots of diamonds each at its own value are worth together, rounded down once to the minor unit; every lot has one currency. */
export function lotsCashValue(lots: readonly { diamonds: bigint; value: DiamondValue }[]): { amount: bigint; currency: string } {
  const currency = lots[0]!.value.currency;
  // Denominators are powers of ten, so the largest is a multiple of every other.
  const common = lots.reduce((max, lot) => (lot.value.denominator > max ? lot.value.denominator : max), 1n);
  const product = lots.reduce((sum, lot) => sum + lot.diamonds * lot.value.numeratorMinor * (common / lot.value.denominator), 0n);
  const quotient = product / common;
  const amount = product < 0n && quotient * common !== product ? quotient - 1n : quotient;
  return { amount, currency };
}
