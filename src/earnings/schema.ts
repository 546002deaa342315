/**
 * Table types of earnings, merged into the global `Schema` (src/db/schema.ts). Integers are bigint on
 * both engines; timestamps are ISO 8601 UTC strings.
 */
export interface EarningsSchema {
  diamond_values: DiamondValueTable;
  creator_tax_profiles: CreatorTaxProfileTable;
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

/** A creator's tax profile: one row per creator, replaced when they change it. */
export interface CreatorTaxProfileTable {
  user_id: string;
  /** ISO 3166-1 alpha-2 country of tax residence. */
  country: string;
  tax_id: string | null;
  /** w9 | w8ben | w8bene | none */
  form_type: string;
  updated_at: string;
}
