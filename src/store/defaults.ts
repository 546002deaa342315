import type { SalesChannel } from './catalog.js';

/**
 * The packages a new store starts with (seedDefaults). Prices are in each currency's minor unit:
 * cents for USD, EUR and GBP; whole yen and won for JPY and KRW, which have no minor unit.
 *
 * Web prices follow roughly $0.0106 a coin. App prices sit on the app stores' price points and
 * are about a third higher, which covers the app store's cut (STORE_APP_FEE_PERCENT, 30% by default).
 */
export interface DefaultPackage {
  id: string;
  channel: SalesChannel;
  coins: bigint;
  prices: Readonly<Record<string, bigint>>;
}

const COIN_AMOUNTS = [70n, 350n, 700n, 1_400n, 3_500n, 7_000n] as const;

/** One column per entry of COIN_AMOUNTS. */
const WEB_PRICES: Readonly<Record<string, readonly bigint[]>> = {
  USD: [74n, 370n, 740n, 1_480n, 3_700n, 7_499n],
  EUR: [69n, 345n, 690n, 1_380n, 3_450n, 6_990n],
  GBP: [59n, 295n, 590n, 1_180n, 2_950n, 5_990n],
  JPY: [110n, 550n, 1_100n, 2_200n, 5_500n, 11_000n],
  KRW: [1_000n, 5_000n, 10_000n, 20_000n, 50_000n, 100_000n],
};

const APP_PRICES: Readonly<Record<string, readonly bigint[]>> = {
  USD: [99n, 499n, 999n, 1_999n, 4_999n, 9_999n],
  EUR: [99n, 499n, 999n, 1_999n, 4_999n, 9_999n],
  GBP: [99n, 499n, 999n, 1_999n, 4_999n, 9_999n],
  JPY: [160n, 800n, 1_600n, 3_200n, 8_000n, 16_000n],
  KRW: [1_500n, 7_500n, 15_000n, 29_000n, 75_000n, 149_000n],
};

function packagesOf(channel: SalesChannel, table: Readonly<Record<string, readonly bigint[]>>): DefaultPackage[] {
  return COIN_AMOUNTS.map((coins, index) => ({
    id: `pkg_${channel}_${coins}`,
    channel,
    coins,
    prices: Object.fromEntries(Object.entries(table).map(([currency, amounts]) => [currency, amounts[index]!])),
  }));
}

export const DEFAULT_PACKAGES: readonly DefaultPackage[] = [...packagesOf('web', WEB_PRICES), ...packagesOf('app', APP_PRICES)];

/** A welcome bonus: 20% more coins on a user's first purchase, once. */
export const DEFAULT_FIRST_PURCHASE_PROMOTION = {
  id: 'promo_first_purchase',
  kind: 'first_purchase',
  bonusPercent: 20n,
  maxUsesPerUser: 1n,
} as const;
