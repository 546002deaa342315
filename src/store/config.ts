import { ConfigError, declareSettings, InvalidValue, listEntries, settingsIn, wholeNumber, type Env, type ValueKind } from '../config/index.js';

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
const DEFAULT_CUSTOM_PRICE_PER_COIN_MICROS: Readonly<Record<string, bigint>> = {
  USD: 10_500n,
  EUR: 9_800n,
  GBP: 8_400n,
  JPY: 1_570_000n,
  KRW: 14_300_000n,
};

/** Largest custom purchase an operator may allow, so prices stay far inside JSON's safe integers. */
const CUSTOM_COINS_LIMIT = 1_000_000_000;
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** The coin store's variables; STORE_CURRENCIES is declared in src/config, which the ledger's accounts also need. */
export const STORE_SETTINGS = declareSettings({
  STORE_APP_FEE_PERCENT: {
    module: 'store',
    default: '30',
    ...wholeNumber(0, 99),
    description:
      'Share of an app-channel (in-app purchase) sale the app store keeps, in percent. It is why the default app prices are about a third higher than the web prices; it is used when app sales are booked, not to compute catalog prices. See [store.md](store.md#channels).',
  },
  STORE_CUSTOM_COINS_MIN: {
    module: 'store',
    default: '30',
    ...wholeNumber(1, CUSTOM_COINS_LIMIT),
    description: 'Fewest coins a custom (any-amount) web purchase may buy. An amount outside the range is refused with `400 custom_amount_out_of_range`. See [store.md](store.md#custom-amounts).',
  },
  STORE_CUSTOM_COINS_MAX: {
    module: 'store',
    default: '2500000',
    ...wholeNumber(1, CUSTOM_COINS_LIMIT),
    description:
      'Most coins a custom web purchase may buy; at least `STORE_CUSTOM_COINS_MIN`, or the process stops with, for example, `STORE_CUSTOM_COINS_MAX: must be at least STORE_CUSTOM_COINS_MIN (100), got 50`. See [store.md](store.md#custom-amounts).',
  },
  STORE_CUSTOM_COIN_PRICE_MICROS: {
    module: 'store',
    default: '',
    ...coinPrices(),
    description:
      'Price of one coin for custom amounts, per currency, in millionths ("micros") of the currency\'s major unit, such as `USD:11000,CAD:14500` ($0.011 and C$0.0145 a coin). Empty keeps the built-in prices (`USD:10500`, `EUR:9800`, `GBP:8400`, `JPY:1570000`, `KRW:14300000`, in line with the default web packages). Currencies not named keep their built-in price, so a currency you add to `STORE_CURRENCIES` needs an entry here before custom amounts can be priced in it. A purchase of `n` coins costs `n × micros` rounded up to the currency\'s minor unit. See [store.md](store.md#custom-amounts).',
  },
  STORE_LARGE_PURCHASE_COINS: {
    module: 'store',
    default: '10000',
    ...wholeNumber(1, CUSTOM_COINS_LIMIT),
    description: 'Orders of at least this many coins need `"confirm": true`; without it they are refused with `400 confirmation_required`. See [store.md](store.md#large-orders).',
  },
  STORE_DAILY_PURCHASES: {
    module: 'store',
    default: '20',
    ...wholeNumber(1, 10_000),
    description:
      'How many purchases one account may make over a rolling 24 hours. Beyond it an order is refused with `429 purchase_limit_reached`, `Retry-After` and `error.resetsAt`. See [store.md](store.md#platform-limits).',
  },
  STORE_DAILY_COINS: {
    module: 'store',
    default: '150000',
    ...wholeNumber(1, CUSTOM_COINS_LIMIT),
    description: 'How many coins one account may buy over a rolling 24 hours (bonus coins not counted); beyond it, as `STORE_DAILY_PURCHASES`.',
  },
  STORE_NEW_ACCOUNT_DAYS: {
    module: 'store',
    default: '7',
    ...wholeNumber(0, 3650),
    description:
      'Accounts younger than this many days (counted from sign-up) get `STORE_NEW_ACCOUNT_DAILY_PURCHASES` and `STORE_NEW_ACCOUNT_DAILY_COINS` instead of `STORE_DAILY_PURCHASES` and `STORE_DAILY_COINS`; `0` treats no account as new.',
  },
  STORE_NEW_ACCOUNT_DAILY_PURCHASES: {
    module: 'store',
    default: '5',
    ...wholeNumber(1, 10_000),
    description: 'How many purchases a new account (see `STORE_NEW_ACCOUNT_DAYS`) may make over a rolling 24 hours. It need not be lower than `STORE_DAILY_PURCHASES`.',
  },
  STORE_NEW_ACCOUNT_DAILY_COINS: {
    module: 'store',
    default: '30000',
    ...wholeNumber(1, CUSTOM_COINS_LIMIT),
    description: 'How many coins a new account may buy over a rolling 24 hours. It need not be lower than `STORE_DAILY_COINS`.',
  },
  STORE_BUDGET_RAISE_DELAY_HOURS: {
    module: 'store',
    default: '24',
    ...wholeNumber(0, 24 * 90),
    description:
      "How long, in hours, a user's raise or removal of their own budget (`PUT /api/v1/me/budget`) waits before it applies; lowering a limit applies at once, and `0` applies raises at once. See [store.md](store.md#budgets).",
  },
});

/** Reads STORE_SETTINGS. Throws a ConfigError naming the first invalid variable. */
export function loadStoreConfig(env: Env = process.env): StoreConfig {
  const read = settingsIn(env);
  const setting = STORE_SETTINGS;
  const customCoinsMin = read(setting.STORE_CUSTOM_COINS_MIN);
  const customCoinsMax = read(setting.STORE_CUSTOM_COINS_MAX);
  if (customCoinsMax < customCoinsMin) {
    throw new ConfigError('STORE_CUSTOM_COINS_MAX', `must be at least STORE_CUSTOM_COINS_MIN (${customCoinsMin}), got ${customCoinsMax}`);
  }
  return {
    appFeePercent: read(setting.STORE_APP_FEE_PERCENT),
    customCoinsMin,
    customCoinsMax,
    customPricePerCoinMicros: { ...DEFAULT_CUSTOM_PRICE_PER_COIN_MICROS, ...read(setting.STORE_CUSTOM_COIN_PRICE_MICROS) },
    largePurchaseCoins: read(setting.STORE_LARGE_PURCHASE_COINS),
    velocity: {
      established: { purchasesPerDay: read(setting.STORE_DAILY_PURCHASES), coinsPerDay: read(setting.STORE_DAILY_COINS) },
      newAccount: { purchasesPerDay: read(setting.STORE_NEW_ACCOUNT_DAILY_PURCHASES), coinsPerDay: read(setting.STORE_NEW_ACCOUNT_DAILY_COINS) },
      newAccountDays: read(setting.STORE_NEW_ACCOUNT_DAYS),
    },
    budgetRaiseDelayMs: read(setting.STORE_BUDGET_RAISE_DELAY_HOURS) * 3_600_000,
  };
}

/** `USD:10500,EUR:9800` → { USD: 10500n, EUR: 9800n }. */
function coinPrices(): ValueKind<Record<string, bigint>> {
  return {
    type: 'list',
    allowed: 'comma-separated `CODE:MICROS` entries (an ISO 4217 code in any case, a price above 0)',
    parse: (raw) => {
      const prices: Record<string, bigint> = {};
      for (const part of listEntries(raw)) {
        const match = /^([A-Za-z]{3}):(\d{1,12})$/.exec(part);
        const currency = match?.[1]?.toUpperCase();
        if (!match || currency === undefined || !ISO_CURRENCIES.has(currency) || BigInt(match[2]!) === 0n) {
          throw new InvalidValue(`expected entries like USD:10500 (an ISO 4217 code and the price of one coin in millionths of its major unit, above 0), got ${JSON.stringify(part)}`);
        }
        prices[currency] = BigInt(match[2]!);
      }
      return prices;
    },
  };
}
