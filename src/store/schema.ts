/**
 * Table types of the coin-store catalog, merged into the global `Schema`
 * (src/db/schema.ts). Integers are bigint on both engines; timestamps are
 * ISO 8601 UTC strings, so they compare in text order.
 */
export interface StoreSchema {
  coin_packages: CoinPackageTable;
  coin_package_prices: CoinPackagePriceTable;
  store_promotions: StorePromotionTable;
  tax_rates: TaxRateTable;
}

declare module '../db/schema.js' {
  interface Schema extends StoreSchema {}
}

/** A coin package on sale in one channel. Packages are disabled, never deleted: orders refer to them. */
export interface CoinPackageTable {
  /** Such as `pkg_web_70`. */
  id: string;
  /** web | app */
  channel: string;
  /** Coins the buyer pays for. */
  coins: bigint;
  /** Coins given on top, as part of the package (promotions add theirs separately). */
  bonus_coins: bigint;
  /** Orders packages that have the same number of coins. */
  sort_order: bigint;
  /** 1 when on sale, 0 when hidden. */
  enabled: bigint;
  created_at: string;
}

/** A package's price in one currency; the buyer's region decides which currency is shown. */
export interface CoinPackagePriceTable {
  package_id: string;
  /** ISO 4217 code, one of STORE_CURRENCIES. */
  currency: string;
  /** In the currency's minor unit: cents for USD, yen for JPY. */
  amount_minor: bigint;
}

/** Bonus coins granted on top of a purchase. */
export interface StorePromotionTable {
  id: string;
  /** first_purchase | seasonal */
  kind: string;
  /** Bonus as a percentage of the coins bought, 1 to 500. */
  bonus_percent: bigint;
  /** Active from this instant (inclusive); null: no start. */
  starts_at: string | null;
  /** Active until this instant (exclusive); null: no end. */
  ends_at: string | null;
  /** Comma-separated ISO 3166-1 alpha-2 codes, or '' for every region. */
  regions: string;
  /** Times one user may receive the bonus; null: unlimited. */
  max_uses_per_user: bigint | null;
  enabled: bigint;
  created_at: string;
}

/** A region's tax rate from an instant; one per region and instant, never changed once set. */
export interface TaxRateTable {
  region: string;
  /** ISO 8601 UTC, inclusive. */
  effective_from: string;
  /** Parts per million of the taxable amount: 20% is 200,000. */
  rate_ppm: bigint;
  /** inclusive | exclusive */
  pricing: string;
  /** The admin who set it. */
  set_by: string;
  created_at: string;
}
