import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import { bigintSum, type Schema } from '../db/index.js';
import { transferSeqOfColumn } from '../ledger/index.js';
import { SUPPORT_TAKEN_BACK, type SupportTakenBack } from '../live/index.js';
import { ROOM_TOPIC_PREFIX } from '../outbox/index.js';

/** What one payer gave a creator over a period, with what the payer's account was like then. */
export interface PayerShare {
  payerId: string;
  diamonds: bigint;
  /** When the payer's account was opened, and when they first paid this creator in the period. */
  payerCreatedAt: string;
  firstPaidAt: string;
}

/** What a creator's payments brought over a period [from, to), from the payments projection: whole coins and diamonds. */
export interface CreatorPeriodPayments {
  totals: { diamonds: bigint; coins: bigint; gifts: bigint; supporters: bigint };
  /** By UTC date (YYYY-MM-DD), the dates with payments only. */
  byDay: { date: string; diamonds: bigint; coins: bigint; gifts: bigint }[];
  /** The lives that earned most, most first. */
  byLive: { liveId: string; diamonds: bigint; gifts: bigint }[];
  /** By kind and gift (null but for gifts), most diamonds first. */
  byGift: { kind: string; giftId: string | null; diamonds: bigint; quantity: bigint }[];
  /** The payers who gave most, most first. */
  topSupporters: { senderId: string; diamonds: bigint }[];
}

/** Who pays a creator, for payout risk review and earnings: from the payments projection, all kinds together. */
export interface PayerQueries {
  /** Every payer of `creatorId` at or after `sinceIso`, biggest first. */
  payersOf(creatorId: string, sinceIso: string): Promise<PayerShare[]>;
  /** What `creatorId`'s payments brought in `period`, with at most `limits` lives and supporters. */
  periodPayments(creatorId: string, period: { from: string; to: string }, limits: { lives: number; supporters: number }): Promise<CreatorPeriodPayments>;
  /** Diamonds `creatorId` earned in [fromIso, toIso). */
  diamondsEarned(creatorId: string, fromIso: string, toIso: string): Promise<bigint>;
}

export function createPayerQueries(kysely: Kysely<Schema>, accounts: Pick<Accounts, 'namesOf'>): PayerQueries {
  return {
    async payersOf(creatorId, sinceIso) {
      const rows = await kysely
        .selectFrom('gift_events')
        .select((eb) => ['sender_id', eb.fn.sum<bigint>('diamonds').as('diamonds'), eb.fn.min<string>('sent_at').as('first_paid_at')])
        .where('creator_id', '=', creatorId)
        .where('sent_at', '>=', sinceIso)
        .groupBy('sender_id')
        .orderBy('diamonds', 'desc')
        .execute();
      const names = await accounts.namesOf(rows.map((row) => row.sender_id));
      return rows.flatMap((row) => {
        const payer = names.get(row.sender_id);
        return payer ? [{ payerId: row.sender_id, diamonds: BigInt(row.diamonds), payerCreatedAt: payer.createdAt, firstPaidAt: row.first_paid_at }] : [];
      });
    },

    async periodPayments(creatorId, period, limits) {
      const inPeriod = kysely.selectFrom('gift_events').where('creator_id', '=', creatorId).where('sent_at', '>=', period.from).where('sent_at', '<', period.to);
      const day = sql<string>`substr(${sql.ref('sent_at')}, 1, 10)`;
      const [totals, byDay, byLive, byGift, supporters] = await Promise.all([
        inPeriod
          .select((eb) => [bigintSum('diamonds').as('diamonds'), bigintSum('coins').as('coins'), bigintSum('quantity').as('gifts'), eb.fn.count<bigint>('sender_id').distinct().as('supporters')])
          .executeTakeFirstOrThrow(),
        inPeriod
          .select([day.as('date'), bigintSum('diamonds').as('diamonds'), bigintSum('coins').as('coins'), bigintSum('quantity').as('gifts')])
          .groupBy(day)
          .execute(),
        inPeriod
          .select(['live_id', bigintSum('diamonds').as('diamonds'), bigintSum('quantity').as('gifts')])
          .where('live_id', 'is not', null)
          .groupBy('live_id')
          .orderBy('diamonds', 'desc')
          .orderBy('live_id')
          .limit(limits.lives)
          .execute(),
        inPeriod
          .select(['kind', 'gift_id', bigintSum('diamonds').as('diamonds'), bigintSum('quantity').as('quantity')])
          .groupBy(['kind', 'gift_id'])
          .orderBy('diamonds', 'desc')
          .orderBy('gift_id')
          .execute(),
        inPeriod
          .select(['sender_id', bigintSum('diamonds').as('diamonds')])
          .groupBy('sender_id')
          .orderBy('diamonds', 'desc')
          .orderBy('sender_id')
          .limit(limits.supporters)
          .execute(),
      ]);
      return {
        totals: { diamonds: totals.diamonds, coins: totals.coins, gifts: totals.gifts, supporters: BigInt(totals.supporters) },
        byDay,
        byLive: byLive.map((row) => ({ liveId: row.live_id!, diamonds: row.diamonds, gifts: row.gifts })),
        byGift: byGift.map((row) => ({ kind: row.kind, giftId: row.gift_id, diamonds: row.diamonds, quantity: row.quantity })),
        topSupporters: supporters.map((row) => ({ senderId: row.sender_id, diamonds: row.diamonds })),
      };
    },

    async diamondsEarned(creatorId, fromIso, toIso) {
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

/**
 * Takes the coins of payments traced to a charged-back purchase off the top-gifter boards, in the
 * clawback's own transaction, which records the trace once: the payments stay recorded as paid.
 * Answers each payment's sender, creator and time, for the rankings to take them off too.
 */
export async function uncountClawedBack<P extends { transferId: string; coins: number }>(
  trx: Kysely<Schema>,
  payments: readonly P[],
): Promise<(P & { senderId: string; creatorId: string; liveId: string | null; at: Date })[]> {
  const uncounted: (P & { senderId: string; creatorId: string; liveId: string | null; at: Date })[] = [];
  for (const payment of payments) {
    const row = await trx
      .updateTable('gift_events')
      .set((eb) => ({ clawed_back_coins: eb('clawed_back_coins', '+', BigInt(payment.coins)) }))
      .where('transfer_id', '=', payment.transferId)
      .returning(['sender_id', 'creator_id', 'live_id', 'sent_at'])
      .executeTakeFirst();
    if (row) uncounted.push({ ...payment, senderId: row.sender_id, creatorId: row.creator_id, liveId: row.live_id, at: new Date(row.sent_at) });
  }
  return uncounted;
}

/** The room messages that take uncounted payments' coins off their lives' boards in memory: one per live and sender. */
export function supportTakenBack(uncounted: readonly { senderId: string; liveId: string | null; coins: number }[]): { topic: string; payload: SupportTakenBack }[] {
  const byLiveAndSender = new Map<string, { topic: string; payload: SupportTakenBack }>();
  for (const { senderId, liveId, coins } of uncounted) {
    if (liveId === null) continue;
    const key = `${liveId}\u0000${senderId}`;
    const message = byLiveAndSender.get(key) ?? { topic: `${ROOM_TOPIC_PREFIX}${liveId}`, payload: { type: SUPPORT_TAKEN_BACK, userId: senderId, coins: 0 } };
    message.payload.coins += coins;
    byLiveAndSender.set(key, message);
  }
  return [...byLiveAndSender.values()];
}

/** When the sender last paid the creator (ISO 8601), as one SQL value: null when never. */
export function lastPaidAtSql(creatorId: Expression<string>, senderId: Expression<string>): RawBuilder<string | null> {
  return sql<string | null>`SELECT max(sent_at) FROM gift_events WHERE creator_id = ${creatorId} AND sender_id = ${senderId}`;
}

/** The sender's payments to the creator in commit order, each with its coins less what was clawed back. */
export function paymentsInCommitOrderSql(creatorId: string, senderId: string): RawBuilder<{ transfer_id: string; sent_at: string; coins: bigint | number }> {
  return sql`SELECT transfer_id, sent_at, coins - clawed_back_coins AS coins FROM gift_events WHERE creator_id = ${creatorId} AND sender_id = ${senderId} ORDER BY ${transferSeqOfColumn('transfer_id')}`;
}
