import type { Kysely } from 'kysely';
import type { Schema } from '../db/index.js';

/** What one payer gave a creator over a period, with what the payer's account was like then. */
export interface PayerShare {
  payerId: string;
  diamonds: bigint;
  /** When the payer's account was opened, and when they first paid this creator in the period. */
  payerCreatedAt: string;
  firstPaidAt: string;
}

/** Who pays a creator, for payout risk review: from the payments projection, all kinds together. */
export function createPayerQueries(kysely: Kysely<Schema>) {
  return {
    /** Every payer of `creatorId` at or after `sinceIso`, biggest first. */
    async payersOf(creatorId: string, sinceIso: string): Promise<PayerShare[]> {
      const rows = await kysely
        .selectFrom('gift_events as g')
        .innerJoin('users as u', 'u.id', 'g.sender_id')
        .select((eb) => ['g.sender_id', 'u.created_at', eb.fn.sum<bigint>('g.diamonds').as('diamonds'), eb.fn.min<string>('g.sent_at').as('first_paid_at')])
        .where('g.creator_id', '=', creatorId)
        .where('g.sent_at', '>=', sinceIso)
        .groupBy(['g.sender_id', 'u.created_at'])
        .orderBy('diamonds', 'desc')
        .execute();
      return rows.map((row) => ({ payerId: row.sender_id, diamonds: BigInt(row.diamonds), payerCreatedAt: row.created_at, firstPaidAt: row.first_paid_at }));
    },

    /** Diamonds `creatorId` earned in [fromIso, toIso). */
    async diamondsEarned(creatorId: string, fromIso: string, toIso: string): Promise<bigint> {
      const row = await kysely
        .selectFrom('gift_events')
        .select((eb) => eb.fn.sum<bigint | null>('diamonds').as('diamonds'))
        .where('creator_id', '=', creatorId)
        .where('sent_at', '>=', fromIso)
        .where('sent_at', '<', toIso)
        .executeTakeFirst();
      return BigInt(row?.diamonds ?? 0);
    },
  };
}

export type PayerQueries = ReturnType<typeof createPayerQueries>;
