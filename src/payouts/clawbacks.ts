import type { Kysely } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import { bigintSum, writeTransaction, type Database, type Schema } from '../db/index.js';
import { PAYMENT_KINDS, supportTakenBack, uncountClawedBack } from '../gifts/index.js';
import { uncountBeforeJoining } from '../fan-clubs/index.js';
import { DIAMOND, LedgerError, platformAccountId, takeFromCounters, userCoinWalletId, userDiamondWalletId, type Ledger } from '../ledger/index.js';
import { SUBSCRIPTION_PAYMENT_KIND } from '../subscriptions/index.js';
import { CONTENT_UNLOCK_KIND } from '../content/index.js';
import { paymentCounters, type SenderLevels } from '../status/index.js';
import type { OutboxRelay } from '../outbox/index.js';
import type { Payouts } from './payouts.js';

/** A charged-back purchase (or one refunded at the payment provider), as the orders service knows it. */
export interface ChargedBackOrder {
  id: string;
  buyerId: string;
  /** The transfer that credited the purchase's coins. */
  creditTransferId: string;
  /** How the money went back to the buyer; a chargeback unless told. */
  cause?: 'chargeback' | 'provider_refund';
}

const TAKEN_BACK = { chargeback: 'was charged back', provider_refund: 'was refunded at the payment provider' } as const;

/** What one creator received of a charged-back purchase, and what was taken back. */
export interface CreatorClawback {
  creatorId: string;
  payments: { transferId: string; coins: number; diamonds: number }[];
  tracedDiamonds: bigint;
  reversedDiamonds: bigint;
  transferId: string | null;
  heldPayoutIds: string[];
}

/** One clawback from a creator, as the admin risk view lists it. */
export interface CreatorClawbackSummary {
  orderId: string;
  buyerId: string;
  at: string;
  tracedDiamonds: number;
  reversedDiamonds: number;
  transferId: string | null;
}

/** Taking back from creators the diamonds that charged-back purchases paid them. */
export interface GiftClawbacks {
  /** Traces a charged-back order's gifts and claws back their diamonds, once per order; null when it was done before. */
  clawBack(order: ChargedBackOrder): Promise<CreatorClawback[] | null>;
  /** Every clawback from one creator, newest first, for the admin risk view. */
  ofCreator(creatorId: string): Promise<CreatorClawbackSummary[]>;
}

export interface GiftClawbacksDependencies {
  db: Database;
  ledger: Ledger;
  accounts: Pick<Accounts, 'openCase' | 'getUser'>;
  payouts: Pick<Payouts, 'holdForReview'>;
  /** Told of the senders whose lifetime coins (their gifter level) and fan points a clawback lowered, once it committed. */
  senderLevels: Pick<SenderLevels, 'lowered'>;
  /** Tells the lives' rooms which senders' coins left their boards. */
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  now: () => Date;
}

/** Payments to creators whose diamonds a charged-back purchase's coins paid for: gifts, paid messages, cheers, subscription months and unlocks of paid content. */
const PAID_KINDS: ReadonlySet<unknown> = new Set([...PAYMENT_KINDS, SUBSCRIPTION_PAYMENT_KIND, CONTENT_UNLOCK_KIND]);
/** Transfers read from the ledger at once while tracing. */
const READ_CHUNK = 50;

/** Diamonds taken back from `creatorId` by the clawbacks traced in `period` [from, to). */
export async function clawedBackDiamonds(kysely: Kysely<Schema>, creatorId: string, period: { from: string; to: string }): Promise<bigint> {
  const row = await kysely
    .selectFrom('gift_clawback_creators as c')
    .innerJoin('gift_clawbacks as g', 'g.order_id', 'c.order_id')
    .select(bigintSum('c.reversed_diamonds').as('diamonds'))
    .where('c.creator_id', '=', creatorId)
    .where('g.traced_at', '>=', period.from)
    .where('g.traced_at', '<', period.to)
    .executeTakeFirstOrThrow();
  return row.diamonds;
}

/**
 * Follows a charged-back purchase's coins into the gifts they paid for and takes the diamonds those
 * gifts earned back from the creators, as far as the creators still hold them; their payouts not yet
 * sent wait for review. The purchase's coins are taken to be the first the buyer spent after it was
 * credited (the way stolen cards are used: buy, then gift at once), and a payment traced to one
 * charged-back purchase is not traced again to another.
 */
export function createGiftClawbacks(deps: GiftClawbacksDependencies): GiftClawbacks {
  const { db, ledger } = deps;
  const kysely: Kysely<Schema> = db.kysely;

  /** Coins of each payment already traced to the buyer's other charged-back purchases. */
  async function alreadyTraced(buyerId: string): Promise<Map<string, number>> {
    const rows = await kysely.selectFrom('gift_clawback_creators as c').innerJoin('gift_clawbacks as g', 'g.order_id', 'c.order_id').select('c.payments').where('g.buyer_id', '=', buyerId).execute();
    const traced = new Map<string, number>();
    for (const row of rows) {
      for (const payment of JSON.parse(row.payments) as CreatorClawback['payments']) traced.set(payment.transferId, (traced.get(payment.transferId) ?? 0) + payment.coins);
    }
    return traced;
  }

  /** The payments the order's coins paid for, walking the buyer's wallet from the credit on. */
  async function tracePayments(order: ChargedBackOrder): Promise<{ coins: number; payments: { transferId: string; coins: number; paidCoins: number }[] }> {
    const credit = await ledger.getTransfer(order.creditTransferId);
    const credited = credit?.legs.find((leg) => leg.accountId === userCoinWalletId(order.buyerId) && leg.direction === 'credit')?.amount ?? 0n;
    let remaining = Number(credited);
    const traced = await alreadyTraced(order.buyerId);
    const payments: { transferId: string; coins: number; paidCoins: number }[] = [];
    let after: bigint | null = BigInt(order.creditTransferId.slice('tr_'.length));
    while (remaining > 0 && after !== null) {
      const page = await ledger.listEntries(userCoinWalletId(order.buyerId), { after, limit: 500 });
      for (const entry of page.entries) {
        if (remaining === 0) break;
        if (entry.amount >= 0n || entry.transferType !== 'posted' || !PAID_KINDS.has(entry.metadata.kind)) continue;
        const paidCoins = Number(-entry.amount);
        const untraced = paidCoins - (traced.get(entry.transferId) ?? 0);
        const coins = Math.min(untraced, remaining);
        if (coins <= 0) continue;
        payments.push({ transferId: entry.transferId, coins, paidCoins });
        remaining -= coins;
      }
      after = page.nextCursor;
    }
    return { coins: Number(credited) - remaining, payments };
  }

  /** Groups traced payments by the creator they paid, with the diamonds each earned in proportion to the coins traced. */
  async function byCreator(payments: { transferId: string; coins: number; paidCoins: number }[]): Promise<Map<string, CreatorClawback['payments']>> {
    const creators = new Map<string, CreatorClawback['payments']>();
    for (let start = 0; start < payments.length; start += READ_CHUNK) {
      const chunk = payments.slice(start, start + READ_CHUNK);
      const transfers = await Promise.all(chunk.map((payment) => ledger.getTransfer(payment.transferId)));
      for (const [index, transfer] of transfers.entries()) {
        const creatorId = transfer?.metadata.creatorId;
        if (!transfer || typeof creatorId !== 'string') continue;
        const payment = chunk[index]!;
        const earned = transfer.legs.find((leg) => leg.accountId === userDiamondWalletId(creatorId) && leg.direction === 'credit')?.amount ?? 0n;
        const diamonds = Number((earned * BigInt(payment.coins)) / BigInt(payment.paidCoins));
        const list = creators.get(creatorId) ?? [];
        list.push({ transferId: payment.transferId, coins: payment.coins, diamonds });
        creators.set(creatorId, list);
      }
    }
    return creators;
  }

  /** Takes back what the creator still holds of `diamonds`; the key makes a retry answer the first reversal. */
  async function reverse(orderId: string, creatorId: string, diamonds: bigint): Promise<{ transferId: string | null; reversed: bigint }> {
    const idempotencyKey = `gift_clawback:${orderId}:${creatorId}`;
    const earlierReversal = async () => {
      const earlier = await ledger.getTransferByKey(idempotencyKey);
      return earlier ? { transferId: earlier.id, reversed: earlier.legs.find((leg) => leg.direction === 'debit')?.amount ?? 0n } : undefined;
    };
    const first = await earlierReversal();
    if (first) return first;
    const wallet = await ledger.getAccount(userDiamondWalletId(creatorId));
    // Diamonds reserved by payouts still count: those payouts are held. Diamonds already paid out are gone.
    const held = wallet && wallet.posted > 0n ? wallet.posted : 0n;
    const reversed = diamonds < held ? diamonds : held;
    // A concurrent clawback of the same order (a chargeback racing a refund at the provider) may have
    // taken them between the look-up and the balance: its reversal is this one.
    if (reversed === 0n) return (await earlierReversal()) ?? { transferId: null, reversed };
    try {
      const transfer = await ledger.submit({
        type: 'posted',
        idempotencyKey,
        // The wallet's available balance may go below zero while a held payout reserves the rest.
        forceNegative: true,
        legs: [
          { accountId: userDiamondWalletId(creatorId), asset: DIAMOND, direction: 'debit', amount: reversed },
          { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'credit', amount: reversed },
        ],
        metadata: { kind: 'gift_clawback', orderId, creatorId },
      });
      return { transferId: transfer.id, reversed };
    } catch (error) {
      const raced = error instanceof LedgerError && error.code === 'idempotency_conflict' ? await earlierReversal() : undefined;
      if (raced) return raced;
      throw error;
    }
  }

  return {
    /** A second call (a redelivered dispute, reconciliation) finds the trace and does nothing. */
    async clawBack(order) {
      const done = await kysely.selectFrom('gift_clawbacks').select('order_id').where('order_id', '=', order.id).executeTakeFirst();
      if (done) return null;
      const { coins, payments } = await tracePayments(order);
      const takenBack = TAKEN_BACK[order.cause ?? 'chargeback'];
      const results: CreatorClawback[] = [];
      for (const [creatorId, creatorPayments] of await byCreator(payments)) {
        const tracedDiamonds = creatorPayments.reduce((sum, payment) => sum + BigInt(payment.diamonds), 0n);
        // Held first, so that no payout of these diamonds reaches the provider while they are taken back.
        const heldPayoutIds = await deps.payouts.holdForReview(creatorId, {
          code: 'chargeback_clawback',
          message: `Purchase ${order.id} ${takenBack}; ${tracedDiamonds} of this creator's diamonds came from it and were clawed back as far as they were not paid out.`,
        });
        const { transferId, reversed } = await reverse(order.id, creatorId, tracedDiamonds);
        results.push({ creatorId, payments: creatorPayments, tracedDiamonds, reversedDiamonds: reversed, transferId, heldPayoutIds });
      }
      const buyer = results.length === 0 ? undefined : await deps.accounts.getUser(order.buyerId);
      // The trace and the creators' cases commit together: after a crash in between, a redelivered
      // dispute traces again, finds the reversals made by their keys, and opens the cases then.
      const { lowered, roomMessages } = await writeTransaction(db, async (trx) => {
        const inserted = await trx
          .insertInto('gift_clawbacks')
          .values({ order_id: order.id, buyer_id: order.buyerId, traced_coins: BigInt(coins), traced_at: deps.now().toISOString() })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows !== 1n || results.length === 0) return { lowered: [], roomMessages: [] };
        await trx
          .insertInto('gift_clawback_creators')
          .values(
            results.map((result) => ({
              order_id: order.id,
              creator_id: result.creatorId,
              payments: JSON.stringify(result.payments),
              traced_diamonds: result.tracedDiamonds,
              reversed_diamonds: result.reversedDiamonds,
              transfer_id: result.transferId,
            })),
          )
          .execute();
        const uncounted = await uncountClawedBack(
          trx,
          results.flatMap((result) => result.payments),
        );
        // The payments' running totals: the rankings and the sender's lifetime coins (their level); then what fans paid before joining, which never counted in their fan points.
        await takeFromCounters(trx, uncounted.flatMap(paymentCounters));
        await uncountBeforeJoining(trx, uncounted);
        for (const result of results) {
          const unrecovered = result.tracedDiamonds - result.reversedDiamonds;
          await deps.accounts.openCase(
            {
              userId: result.creatorId,
              kind: 'gift_clawback',
              description:
                `Purchase ${order.id} by ${buyer!.displayName} (@${buyer!.handle}) ${takenBack}. ${result.payments.length} payment(s) to this creator came from it, earning ${result.tracedDiamonds} diamonds; ` +
                `${result.reversedDiamonds} were taken back` +
                (unrecovered > 0n ? ` and ${unrecovered} had already been paid out.` : '.') +
                (result.heldPayoutIds.length > 0 ? ` ${result.heldPayoutIds.length} payout(s) waiting to be paid are held for review in the payout queue.` : ''),
            },
            trx,
          );
        }
        return { lowered: [...new Set(uncounted.map((payment) => payment.senderId))], roomMessages: await deps.events.append(trx, supportTakenBack(uncounted)) };
      });
      deps.events.committed(roomMessages);
      await deps.senderLevels.lowered(lowered);
      return results;
    },

    async ofCreator(creatorId) {
      const rows = await kysely
        .selectFrom('gift_clawback_creators as c')
        .innerJoin('gift_clawbacks as g', 'g.order_id', 'c.order_id')
        .select(['c.order_id', 'g.buyer_id', 'g.traced_at', 'c.traced_diamonds', 'c.reversed_diamonds', 'c.transfer_id'])
        .where('c.creator_id', '=', creatorId)
        .orderBy('g.traced_at', 'desc')
        .execute();
      return rows.map((row) => ({
        orderId: row.order_id,
        buyerId: row.buyer_id,
        at: row.traced_at,
        tracedDiamonds: Number(row.traced_diamonds),
        reversedDiamonds: Number(row.reversed_diamonds),
        transferId: row.transfer_id,
      }));
    },
  };
}
