import type { Database } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { inForceAt, withEffectiveUntil } from '../shared/schedule.js';
import { instantOf } from '../wallet/index.js';
import { normalizeRegion } from './catalog.js';

/** How a region's prices relate to its tax: `inclusive` prices contain it (VAT, GST), `exclusive` ones have it added at checkout. */
export type TaxPricing = 'inclusive' | 'exclusive';
const TAX_PRICINGS: readonly TaxPricing[] = ['inclusive', 'exclusive'];

/** A region's tax rate in parts per million of the taxable amount (20% = 200,000), from an instant. */
export interface TaxRate {
  region: string;
  ratePpm: bigint;
  pricing: TaxPricing;
  /** Inclusive, ISO 8601 UTC. */
  effectiveFrom: string;
  /** Exclusive: when the region's next rate starts, or null for its latest. */
  effectiveUntil: string | null;
  setBy: string;
}

/** The tax of one sale, in the currency's minor unit. */
export interface SaleTax {
  /** What the buyer pays: the price, plus the tax when prices are exclusive of it. */
  totalMinor: bigint;
  taxMinor: bigint;
  ratePpm: bigint;
  pricing: TaxPricing;
}

const PPM = 1_000_000n;
/** Most decimals a percentage may have: a rate is kept exactly in parts per million. */
const PERCENT_DECIMALS = 4;

/** n / d rounded to the nearest integer, halves away from zero (n, d ≥ 0). */
const roundHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

/**
 * The tax of a sale at `priceMinor` (the catalog's price): carved out of an inclusive price as
 * price × rate / (1 + rate), added to an exclusive one as price × rate; each rounded once, half up,
 * to the minor unit (docs/finance.md#tax-on-sales).
 */
export function saleTax(priceMinor: bigint, rate: Pick<TaxRate, 'ratePpm' | 'pricing'> | undefined): SaleTax {
  if (rate === undefined || rate.ratePpm === 0n) return { totalMinor: priceMinor, taxMinor: 0n, ratePpm: 0n, pricing: rate?.pricing ?? 'inclusive' };
  if (rate.pricing === 'inclusive') return { totalMinor: priceMinor, taxMinor: roundHalfUp(priceMinor * rate.ratePpm, PPM + rate.ratePpm), ratePpm: rate.ratePpm, pricing: 'inclusive' };
  const taxMinor = roundHalfUp(priceMinor * rate.ratePpm, PPM);
  return { totalMinor: priceMinor + taxMinor, taxMinor, ratePpm: rate.ratePpm, pricing: 'exclusive' };
}

/** A rate as people write it: 200,000 ppm is "20", 88,750 is "8.875". */
export function ratePercentText(ratePpm: bigint): string {
  const whole = ratePpm / 10_000n;
  const fraction = (ratePpm % 10_000n).toString().padStart(PERCENT_DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

function ratePpmOf(ratePercent: string): bigint {
  const match = /^(\d{1,2})(?:\.(\d{1,4}))?$/.exec(ratePercent);
  if (!match) throw DomainError.invalidField('ratePercent', 'invalid_tax_rate', 'ratePercent is a percentage from 0 to below 100 with at most 4 decimals, such as "20" or "8.875".');
  return BigInt(match[1]!) * 10_000n + BigInt((match[2] ?? '').padEnd(PERCENT_DECIMALS, '0'));
}

/**
 * Tax rates per region, set by the operator, each from an instant that is not in the past: an order
 * keeps the rate in force when it was priced, so a new rate never reaches back to earlier sales.
 */
export interface TaxRates {
  /** Every rate, by region, oldest first; one region's when given. */
  list(region?: string): Promise<TaxRate[]>;
  /** Sets a region's rate from `effectiveFrom` (default now); one rate per region and instant. */
  set(adminId: string, input: { region: string; ratePercent: string; pricing: TaxPricing; effectiveFrom?: string }): Promise<TaxRate>;
  /** The region's rate in force at `at` (an ISO instant); undefined when none was ever set (no tax). */
  inForce(region: string, at: string): Promise<TaxRate | undefined>;
}

export function createTaxRates(deps: { db: Database; now: () => Date }): TaxRates {
  const kysely = deps.db.kysely;

  async function list(region?: string): Promise<TaxRate[]> {
    let query = kysely.selectFrom('tax_rates').selectAll().orderBy('region').orderBy('effective_from');
    if (region !== undefined) query = query.where('region', '=', region.toUpperCase());
    const rows = await query.execute();
    const byRegion = new Map<string, TaxRate[]>();
    for (const row of rows) {
      const rate = { region: row.region, ratePpm: row.rate_ppm, pricing: row.pricing as TaxPricing, effectiveFrom: row.effective_from, setBy: row.set_by };
      byRegion.set(row.region, [...(byRegion.get(row.region) ?? []), { ...rate, effectiveUntil: null }]);
    }
    return [...byRegion.values()].flatMap((rates) => withEffectiveUntil(rates));
  }

  return {
    list,

    async set(adminId, input) {
      const region = normalizeRegion(input.region);
      if (!TAX_PRICINGS.includes(input.pricing)) throw DomainError.invalidField('pricing', 'invalid_tax_pricing', 'pricing is "inclusive" or "exclusive".');
      const ratePpm = ratePpmOf(input.ratePercent);
      const now = deps.now().toISOString();
      const effectiveFrom = input.effectiveFrom === undefined ? now : instantOf(input.effectiveFrom, 'effectiveFrom');
      if (effectiveFrom < now) {
        throw DomainError.invalidField('effectiveFrom', 'effective_date_in_past', 'A tax rate starts now or later: sales already made keep the rate they were priced at.');
      }
      const inserted = await kysely
        .insertInto('tax_rates')
        .values({ region, effective_from: effectiveFrom, rate_ppm: ratePpm, pricing: input.pricing, set_by: adminId, created_at: now })
        .onConflict((oc) => oc.columns(['region', 'effective_from']).doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) throw DomainError.conflict('tax_rate_exists', `A tax rate for ${region} already starts at ${effectiveFrom}.`);
      return (await list(region)).find((rate) => rate.effectiveFrom === effectiveFrom)!;
    },

    async inForce(region, at) {
      return inForceAt(await list(region), at);
    },
  };
}
