import type { Database } from '../db/index.js';
import { paidPayoutsBetween, type PaidPayout } from '../payouts/index.js';
import { csvOf } from '../shared/csv.js';
import { DomainError } from '../shared/errors.js';
import { lotsCashValue } from './config.js';
import type { DiamondRate, DiamondValues, Money } from './diamond-values.js';
import type { Statements } from './statements.js';

/** The tax forms a platform collects from creators: the US IRS's W-9 (US persons), W-8BEN (individuals abroad), W-8BEN-E (entities abroad), or none. */
const TAX_FORMS = ['w9', 'w8ben', 'w8bene', 'none'] as const;
export type TaxForm = (typeof TAX_FORMS)[number];

/** What a creator tells the platform for its tax reporting. */
export interface TaxProfile {
  /** ISO 3166-1 alpha-2 country of tax residence. */
  country: string;
  /** Only the last four characters are ever shown back. */
  taxIdLast4: string | null;
  formType: TaxForm;
  updatedAt: string;
}

/** One calendar year (UTC) of a creator's earnings, for their tax return. */
export interface TaxYearReport {
  year: number;
  /** Gifts, subscriptions and paid content, net of their reversals. */
  diamondsEarned: bigint;
  /** What they were worth, each at the diamond value in force when earned, rounded down once. */
  earnedValue: Money;
  /** The earned diamonds by the value they were earned at. */
  byValue: { rate: DiamondRate; diamonds: bigint }[];
  /** Payouts marked paid in the year. */
  payouts: PaidPayout[];
  /** The payouts' cash value by currency. */
  paidOut: Money[];
  profile: TaxProfile | null;
}

export interface TaxYears {
  profile(creatorId: string): Promise<TaxProfile | null>;
  /** Replaces the creator's tax profile. */
  setProfile(creatorId: string, input: { country: string; taxId?: string | null; formType: TaxForm }): Promise<TaxProfile>;
  report(creatorId: string, year: number): Promise<TaxYearReport>;
}

const COUNTRY = /^[A-Z]{2}$/;
/** Tax ids across countries: letters, digits, spaces, dots, slashes and hyphens. */
const TAX_ID = /^[A-Za-z0-9 ./-]{2,32}$/;

export function createTaxYears(deps: { db: Database; statements: Pick<Statements, 'earnedByRate'>; values: Pick<DiamondValues, 'schedule'>; now: () => Date }): TaxYears {
  const kysely = deps.db.kysely;

  async function profile(creatorId: string): Promise<TaxProfile | null> {
    const row = await kysely.selectFrom('creator_tax_profiles').selectAll().where('user_id', '=', creatorId).executeTakeFirst();
    if (!row) return null;
    return { country: row.country, taxIdLast4: row.tax_id === null ? null : row.tax_id.slice(-4), formType: row.form_type as TaxForm, updatedAt: row.updated_at };
  }

  return {
    profile,

    async setProfile(creatorId, input) {
      const country = input.country.trim().toUpperCase();
      if (!COUNTRY.test(country)) throw DomainError.invalidField('country', 'invalid_country', 'country is an ISO 3166-1 alpha-2 code, such as "US" or "DE".');
      if (!(TAX_FORMS as readonly string[]).includes(input.formType)) throw DomainError.invalidField('formType', 'invalid_form_type', `formType is one of ${TAX_FORMS.join(', ')}.`);
      const taxId = input.taxId === undefined || input.taxId === null ? null : input.taxId.trim();
      if (taxId !== null && !TAX_ID.test(taxId)) throw DomainError.invalidField('taxId', 'invalid_tax_id', 'taxId is 2 to 32 letters, digits, spaces, dots, slashes or hyphens.');
      const values = { country, tax_id: taxId, form_type: input.formType, updated_at: deps.now().toISOString() };
      await kysely
        .insertInto('creator_tax_profiles')
        .values({ user_id: creatorId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
      return (await profile(creatorId))!;
    },

    async report(creatorId, year) {
      if (!Number.isInteger(year) || year < 2000 || year > 9999) throw DomainError.invalidField('year', 'invalid_date', 'year is a calendar year such as 2026.');
      const period = { from: new Date(Date.UTC(year, 0, 1)).toISOString(), to: new Date(Date.UTC(year + 1, 0, 1)).toISOString() };
      const rates = await deps.values.schedule();
      const [earned, payouts, found] = await Promise.all([deps.statements.earnedByRate(creatorId, period, rates), paidPayoutsBetween(kysely, creatorId, period), profile(creatorId)]);
      const byValue = rates.map((rate, index) => ({ rate, diamonds: earned[index]! })).filter((lot) => lot.diamonds !== 0n);
      const paidOut = new Map<string, bigint>();
      for (const payout of payouts) paidOut.set(payout.currency, (paidOut.get(payout.currency) ?? 0n) + payout.amountMinor);
      return {
        year,
        diamondsEarned: earned.reduce((sum, diamonds) => sum + diamonds, 0n),
        earnedValue: lotsCashValue(rates.map((rate, index) => ({ diamonds: earned[index]!, value: rate.value }))),
        byValue,
        payouts,
        paidOut: [...paidOut].map(([currency, amount]) => ({ amount, currency })),
        profile: found,
      };
    },
  };
}

/** The yearly report as CSV: a row per value period's earnings and per payout, then the year's totals. */
export function taxYearCsv(report: TaxYearReport): string {
  const year = String(report.year);
  return csvOf([
    ['year', 'line', 'from', 'until', 'diamonds', 'amountMinor', 'currency', 'reference'],
    ...report.byValue.map((lot) => [year, 'earned', lot.rate.effectiveFrom ?? '', lot.rate.effectiveUntil ?? '', lot.diamonds.toString(), '', lot.rate.value.currency, '']),
    ...report.payouts.map((payout) => [year, 'payout', payout.paidAt, '', payout.diamonds.toString(), payout.amountMinor.toString(), payout.currency, payout.id]),
    [year, 'total_earned', '', '', report.diamondsEarned.toString(), report.earnedValue.amount.toString(), report.earnedValue.currency, ''],
    ...report.paidOut.map((paid) => [
      year,
      'total_paid_out',
      '',
      '',
      report.payouts
        .filter((payout) => payout.currency === paid.currency)
        .reduce((sum, payout) => sum + payout.diamonds, 0n)
        .toString(),
      paid.amount.toString(),
      paid.currency,
      '',
    ]),
  ]);
}
