/**
 * Table types of earnings, merged into the global `Schema` (src/db/schema.ts). Integers are bigint on
 * both engines; timestamps are ISO 8601 UTC strings.
 */
export interface EarningsSchema {
  diamond_values: DiamondValueTable;
}

declare module '../db/schema.js' {
  interface Schema extends EarningsSchema {}
}

/** A diamond value set by an admin, for diamonds earned from `effective_from` until the next row's; before the first row, PAYOUT_DIAMOND_VALUE. */
export interface DiamondValueTable {
  /** Unique: one value starts at an instant. */
  effective_from: string;
  /** One diamond is numerator_minor / denominator of the currency's minor unit. */
  numerator_minor: bigint;
  denominator: bigint;
  currency: string;
  set_by: string;
  created_at: string;
}
