import { ConfigError } from '../config/index.js';

/** The coin store's settings, read from the environment once at start (see docs/store.md). */
export interface StoreConfig {
  /**
   * Share of an app-channel sale the app store keeps, in percent (default 30). App prices are set
   * higher than web prices to cover it. The catalog does not use it; it is for booking app sales.
   */
  readonly appFeePercent: number;
  /** Fewest coins a custom (any-amount) web purchase may buy. */
  readonly customCoinsMin: number;
  /** Most coins a custom web purchase may buy. */
  readonly customCoinsMax: number;
  /**
   * Price of ONE coin for custom amounts, per currency, in millionths ("micros") of the currency's
   * MAJOR unit: USD 10_500 is $0.0105 a coin; JPY 1_570_000 is ¥1.57 a coin. A purchase of `n` coins
   * costs ceil(n × micros × 10^minorDigits / 1_000_000) minor units — exact integer math, rounded up.
   */
  readonly customPricePerCoinMicros: Readonly<Record<string, bigint>>;
  /** Orders of at least this many coins need `confirm: true`, so a big purchase is never one accidental tap. */
  readonly largePurchaseCoins: number;
  /** Platform limits on buying, over a rolling 24 hours; accounts younger than `newAccountDays` get the lower ones. */
  readonly velocity: {
    readonly established: PurchaseVelocityLimit;
    readonly newAccount: PurchaseVelocityLimit;
    readonly newAccountDays: number;
  };
  /** How long a user's raise (or removal) of their own budget waits before it applies; lowering applies at once. */
  readonly budgetRaiseDelayMs: number;
}

export interface PurchaseVelocityLimit {
  readonly purchasesPerDay: number;
  /** Coins bought (bonus coins not counted). */
  readonly coinsPerDay: number;
}

/** Custom-amount prices, in line with the default web packages (70 coins ≈ $0.74, €0.69, £0.59, ¥110, ₩1,000). */
export const DEFAULT_CUSTOM_PRICE_PER_COIN_MICROS: Readonly<Record<string, bigint>> = {
  USD: 10_500n,
  EUR: 9_800n,
  GBP: 8_400n,
  JPY: 1_570_000n,
  KRW: 14_300_000n,
};

export const STORE_CONFIG_DEFAULTS = {
  STORE_APP_FEE_PERCENT: '30',
  STORE_CUSTOM_COINS_MIN: '30',
  STORE_CUSTOM_COINS_MAX: '2500000',
  STORE_CUSTOM_COIN_PRICE_MICROS: '',
  STORE_LARGE_PURCHASE_COINS: '10000',
  STORE_DAILY_PURCHASES: '20',
  STORE_DAILY_COINS: '150000',
  STORE_NEW_ACCOUNT_DAYS: '7',
  STORE_NEW_ACCOUNT_DAILY_PURCHASES: '5',
  STORE_NEW_ACCOUNT_DAILY_COINS: '30000',
  STORE_BUDGET_RAISE_DELAY_HOURS: '24',
} as const;

/** Largest custom purchase an operator may allow, so prices stay far inside JSON's safe integers. */
const CUSTOM_COINS_LIMIT = 1_000_000_000;
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the STORE_* variables (see STORE_CONFIG_DEFAULTS and docs/configuration.md). An empty variable counts as unset. Throws a ConfigError naming
 * the first invalid variable.
 */
export function loadStoreConfig(env: Env = process.env): StoreConfig {
  const read = (name: keyof typeof STORE_CONFIG_DEFAULTS): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? STORE_CONFIG_DEFAULTS[name] : value;
  };
  const appFeePercent = parseWholeNumber('STORE_APP_FEE_PERCENT', read('STORE_APP_FEE_PERCENT'), 0, 99);
  const customCoinsMin = parseWholeNumber('STORE_CUSTOM_COINS_MIN', read('STORE_CUSTOM_COINS_MIN'), 1, CUSTOM_COINS_LIMIT);
  const customCoinsMax = parseWholeNumber('STORE_CUSTOM_COINS_MAX', read('STORE_CUSTOM_COINS_MAX'), 1, CUSTOM_COINS_LIMIT);
  if (customCoinsMax < customCoinsMin) {
    throw new ConfigError('STORE_CUSTOM_COINS_MAX', `must be at least STORE_CUSTOM_COINS_MIN (${customCoinsMin}), got ${customCoinsMax}`);
  }
  return {
    appFeePercent,
    customCoinsMin,
    customCoinsMax,
    customPricePerCoinMicros: { ...DEFAULT_CUSTOM_PRICE_PER_COIN_MICROS, ...parseCoinPrices('STORE_CUSTOM_COIN_PRICE_MICROS', read('STORE_CUSTOM_COIN_PRICE_MICROS')) },
    largePurchaseCoins: parseWholeNumber('STORE_LARGE_PURCHASE_COINS', read('STORE_LARGE_PURCHASE_COINS'), 1, CUSTOM_COINS_LIMIT),
    velocity: {
      established: {
        purchasesPerDay: parseWholeNumber('STORE_DAILY_PURCHASES', read('STORE_DAILY_PURCHASES'), 1, 10_000),
        coinsPerDay: parseWholeNumber('STORE_DAILY_COINS', read('STORE_DAILY_COINS'), 1, CUSTOM_COINS_LIMIT),
      },
      newAccount: {
        purchasesPerDay: parseWholeNumber('STORE_NEW_ACCOUNT_DAILY_PURCHASES', read('STORE_NEW_ACCOUNT_DAILY_PURCHASES'), 1, 10_000),
        coinsPerDay: parseWholeNumber('STORE_NEW_ACCOUNT_DAILY_COINS', read('STORE_NEW_ACCOUNT_DAILY_COINS'), 1, CUSTOM_COINS_LIMIT),
      },
      newAccountDays: parseWholeNumber('STORE_NEW_ACCOUNT_DAYS', read('STORE_NEW_ACCOUNT_DAYS'), 0, 3650),
    },
    budgetRaiseDelayMs: parseWholeNumber('STORE_BUDGET_RAISE_DELAY_HOURS', read('STORE_BUDGET_RAISE_DELAY_HOURS'), 0, 24 * 90) * 3_600_000,
  };
}

function parseWholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/** `USD:10500,EUR:9800` → { USD: 10500n, EUR: 9800n }. */
function parseCoinPrices(name: string, raw: string): Record<string, bigint> {
  const prices: Record<string, bigint> = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([A-Za-z]{3}):(\d{1,12})$/.exec(part);
    const currency = match?.[1]?.toUpperCase();
    if (!match || currency === undefined || !ISO_CURRENCIES.has(currency) || BigInt(match[2]!) === 0n) {
      throw new ConfigError(name, `expected entries like USD:10500 (an ISO 4217 code and the price of one coin in millionths of its major unit, above 0), got ${JSON.stringify(part)}`);
    }
    prices[currency] = BigInt(match[2]!);
  }
  return prices;
}
