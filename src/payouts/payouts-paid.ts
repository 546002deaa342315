import type { Kysely } from 'kysely';
import type { Schema } from '../db/index.js';

/** A payout the creator was paid: the diamonds it took, their cash value, and what reached the creator. */
export interface PaidPayout {
  id: string;
  /** When it was marked paid, ISO 8601 UTC. */
  paidAt: string;
  diamonds: bigint;
  /** The diamonds' cash value, in the minor unit of `currency`. */
  amountMinor: bigint;
  currency: string;
  /** What the creator received, after any conversion, in the minor unit of `receivedCurrency`. */
  receivedMinor: bigint;
  receivedCurrency: string;
}

/** The creator's payouts marked paid from `from` (inclusive) to `to` (exclusive), oldest first; returned payouts are not among them. */
export async function paidPayoutsBetween(kysely: Kysely<Schema>, creatorId: string, period: { from: string; to: string }): Promise<PaidPayout[]> {
  const rows = await kysely
    .selectFrom('payouts')
    .select(['id', 'updated_at', 'diamonds', 'amount_minor', 'currency', 'received_minor', 'received_currency'])
    .where('user_id', '=', creatorId)
    .where('status', '=', 'paid')
    .where('updated_at', '>=', period.from)
    .where('updated_at', '<', period.to)
    .orderBy('updated_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    paidAt: row.updated_at,
    diamonds: row.diamonds,
    amountMinor: row.amount_minor,
    currency: row.currency,
    receivedMinor: row.received_minor ?? row.amount_minor,
    receivedCurrency: row.received_currency ?? row.currency,
  }));
}
