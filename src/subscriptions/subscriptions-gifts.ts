import { randomInt } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import { newId, writeTransaction } from '../db/index.js';
import { creatorPaymentLegs, diamondsFor, type PayerSession } from '../gifts/index.js';
import { LedgerError, userCoinWalletId } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { periodOfRun } from './periods.js';
import type { SubscriptionGiftTable } from './schema.js';
import { MAX_ATTEMPTS, newRow, requestKeyOf, SUBSCRIPTION_KEY_PREFIX, SUBSCRIPTION_PAYMENT_KIND, type PaymentRow, type SubscriptionRecords, type SubscriptionRow } from './subscriptions-records.js';
import type { SubscriptionTier } from './tiers.js';
import type { SubscriptionGiftSchema } from './views.js';

export type SubscriptionGift = Static<typeof SubscriptionGiftSchema>;
type GiftRow = Selectable<SubscriptionGiftTable>;

/** A gift's claim on its recipients lapses after this long unpaid (its process died): they may be paid for again. */
const GIFT_CLAIM_TTL_MS = 300_000;

export interface GiftSubscriptionsInput {
  gifterId: string;
  liveId: string;
  level: number;
  /** One named viewer (for 1 to 12 months), or `count` viewers drawn from the room who have no subscription (a month each). */
  recipient: { type: 'viewer'; userId: string; months: number } | { type: 'random'; count: number };
  confirm: boolean;
  idempotencyKey: string;
  session?: PayerSession;
}

/** Most viewers one gift draws from the room, and most months one named viewer is given. */
const MAX_GIFTED_SUBSCRIPTIONS = 50;
const MAX_GIFTED_MONTHS = 12;

/** Subscriptions bought for others in a live: the recipients are claimed first, then paid for in one transfer. */
export interface SubscriptionGifts {
  /** Buys subscriptions for others in a live, paid in one transfer by the gifter; announced in the room. */
  giftSubscriptions(input: GiftSubscriptionsInput): Promise<{ gift: SubscriptionGift; replayed: boolean }>;
}

/** Whether a gift holds the row now: its claim lapses after a while unpaid. */
export const claimFresh = (row: Pick<SubscriptionRow, 'gift_claim' | 'gift_claimed_at'>, at: Date) =>
  row.gift_claim !== null && row.gift_claimed_at !== null && Date.parse(row.gift_claimed_at) > at.getTime() - GIFT_CLAIM_TTL_MS;

/** Lets a gift's recipients go (the gift was refused, or its process died before paying). */
async function release(records: SubscriptionRecords, giftId: string): Promise<void> {
  await writeTransaction(records.deps.db, async (trx) => {
    await trx.updateTable('subscription_gifts').set({ status: 'failed' }).where('id', '=', giftId).where('status', '=', 'claimed').execute();
    await trx.updateTable('subscriptions').set({ gift_claim: null, gift_claimed_at: null }).where('gift_claim', '=', giftId).execute();
  });
}

/** Records the gift's transfer and brings its recipients' rows up to the months it paid. */
async function settleGift(records: SubscriptionRecords, giftId: string, transferId: string): Promise<void> {
  const kysely = records.deps.db.kysely;
  await kysely.updateTable('subscription_gifts').set({ status: 'paid', transfer_id: transferId }).where('id', '=', giftId).execute();
  const paid = await kysely.selectFrom('subscription_payments').selectAll().where('transfer_id', '=', transferId).orderBy('period_index').execute();
  for (const payment of paid) await records.apply(payment);
}

/** Gifts a crash left claimed: paid ones are settled, unpaid ones past their claim are let go. */
export async function settleClaimedGifts(records: SubscriptionRecords): Promise<number> {
  const { db, ledger, now } = records.deps;
  const stale = new Date(now().getTime() - GIFT_CLAIM_TTL_MS).toISOString();
  const claimed = await db.kysely.selectFrom('subscription_gifts').selectAll().where('status', '=', 'claimed').where('created_at', '<', stale).execute();
  for (const gift of claimed) {
    const transfer = await ledger.getTransferByKey(`${SUBSCRIPTION_KEY_PREFIX}gift:${gift.id}`);
    if (transfer) await settleGift(records, gift.id, transfer.id);
    else await release(records, gift.id);
  }
  return claimed.length;
}

export function createSubscriptionGifts(records: SubscriptionRecords): SubscriptionGifts {
  const { db, ledger, accounts, lives, viewersIn, tiers, shares, config, now } = records.deps;
  const kysely = db.kysely;
  const { insufficientCoins, assertConfirmed } = records;

  /** The gift as its gifter sees it, with the recipients' names. */
  async function giftView(gift: GiftRow): Promise<SubscriptionGift> {
    const recipientIds = JSON.parse(gift.recipients) as string[];
    const names = await accounts.namesOf([gift.gifter_id, ...recipientIds]);
    const tier = await tiers.tier(gift.creator_id, Number(gift.tier_level)).catch(() => undefined);
    return {
      id: gift.id,
      liveId: gift.live_id,
      gifterId: gift.gifter_id,
      gifterName: names.get(gift.gifter_id)?.displayName ?? '',
      creatorId: gift.creator_id,
      tier: { level: Number(gift.tier_level), name: tier?.name ?? `Level ${gift.tier_level}` },
      months: Number(gift.months),
      coins: Number(gift.coins),
      recipients: recipientIds.map((userId) => ({ userId, handle: names.get(userId)?.handle ?? '', displayName: names.get(userId)?.displayName ?? '' })),
      transferId: gift.transfer_id,
      createdAt: gift.created_at,
    };
  }

  /** Viewers who may be given a subscription to the creator: adults with an open account and no subscription giving access. */
  async function mayReceive(userId: string, creatorId: string, gifterId: string): Promise<boolean> {
    if (userId === creatorId || userId === gifterId) return false;
    const user = await accounts.getUser(userId).catch(() => undefined);
    if (!user || user.closed || !user.isAdult) return false;
    const row = await kysely.selectFrom('subscriptions').selectAll().where('subscriber_id', '=', userId).where('creator_id', '=', creatorId).executeTakeFirst();
    return !row || ((row.status === 'new' || row.status === 'ended') && !claimFresh(row, now()));
  }

  /**
   * Holds the recipients' subscription rows for the gift, in one transaction with the gift's row: a row is
   * taken only when nothing gives it access, no other gift holds it, and no payment of its own is waiting
   * to be applied. Taking it moves the recipient's authorization version, so a payment of their own decided
   * before the claim is refused by the ledger. Answers false, holding nothing, when any was taken meanwhile.
   */
  async function claim(gift: Omit<GiftRow, 'status' | 'transfer_id'>, recipientIds: readonly string[], tier: SubscriptionTier): Promise<boolean> {
    const at = now().toISOString();
    const stale = new Date(now().getTime() - GIFT_CLAIM_TTL_MS).toISOString();
    return writeTransaction(db, async (trx) => {
      // In one order for every gift: two gifts claiming the same viewers then wait for each other rather than deadlock.
      for (const userId of [...recipientIds].sort()) {
        await trx
          .insertInto('subscriptions')
          .values(newRow(userId, gift.creator_id, tier.level, tier.priceCoins, at))
          .onConflict((oc) => oc.columns(['subscriber_id', 'creator_id']).doNothing())
          .execute();
        const taken = await trx
          .updateTable('subscriptions')
          .set({ gift_claim: gift.id, gift_claimed_at: at })
          .where('subscriber_id', '=', userId)
          .where('creator_id', '=', gift.creator_id)
          .where('status', 'in', ['new', 'ended'])
          .where((eb) => eb.or([eb('gift_claim', 'is', null), eb('gift_claimed_at', '<', stale)]))
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('subscription_payments as p')
                  .select('p.transfer_id')
                  .whereRef('p.subscription_id', '=', 'subscriptions.id')
                  .whereRef('p.period_index', '>', 'subscriptions.period_index'),
              ),
            ),
          )
          .executeTakeFirst();
        if (taken.numUpdatedRows === 0n) throw new GiftClaimLost();
      }
      await trx
        .insertInto('subscription_gifts')
        .values({ ...gift, status: 'claimed', transfer_id: null })
        .execute();
      return true;
    }).catch((error: unknown) => {
      if (error instanceof GiftClaimLost) return false;
      throw error;
    });
  }

  /**
   * Pays a claimed gift: one transfer from the gifter for every recipient's months, carrying the versions
   * of the gifter and of each recipient (read after the claim), so a claim let go meanwhile refuses it.
   */
  async function payGift(gift: GiftRow, session: PayerSession | undefined): Promise<GiftRow> {
    const recipientIds = JSON.parse(gift.recipients) as string[];
    const tier = await tiers.tier(gift.creator_id, Number(gift.tier_level));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { authorizedVersions } = await accounts.authorizePayment({ senderId: gift.gifter_id, creatorId: gift.creator_id, session, fresh: attempt > 0 });
      const recipientVersions = await ledger.authorizationVersions(recipientIds.map(userCoinWalletId));
      const rows = await kysely.selectFrom('subscriptions').selectAll().where('gift_claim', '=', gift.id).execute();
      if (rows.length !== recipientIds.length) break;
      const coins = Number(gift.coins);
      const diamonds = diamondsFor(coins, config.diamondsPerCoin, await shares.sharePercentOf(gift.creator_id));
      const months = Number(gift.months);
      const at = now();
      // Each recipient's diamonds are their share of the whole, the last taking what rounding leaves.
      const perMonthDiamonds = Math.floor(diamonds / (rows.length * months));
      const paymentRecords = rows.flatMap((row, rowIndex) =>
        Array.from({ length: months }, (_, month) => {
          const last = rowIndex === rows.length - 1 && month === months - 1;
          const period = periodOfRun(at, month + 1);
          const record: Omit<PaymentRow, 'transfer_id'> = {
            subscription_id: row.id,
            subscriber_id: row.subscriber_id,
            payer_id: gift.gifter_id,
            gift_id: gift.id,
            creator_id: gift.creator_id,
            kind: 'period',
            period_index: row.period_index + BigInt(month + 1),
            tier_level: gift.tier_level,
            coins: BigInt(tier.priceCoins),
            diamonds: BigInt(last ? diamonds - perMonthDiamonds * (rows.length * months - 1) : perMonthDiamonds),
            price_coins: BigInt(tier.priceCoins),
            period_start: period.start.toISOString(),
            period_end: period.end.toISOString(),
            streak_months: BigInt(month + 1),
            total_months: row.total_months + BigInt(month + 1),
            request_key: null,
            paid_at: at.toISOString(),
          };
          return { table: 'subscription_payments', transferIdColumn: 'transfer_id', row: record };
        }),
      );
      const names = await accounts.namesOf([gift.gifter_id, ...recipientIds]);
      const recipients = recipientIds.map((userId) => ({ userId, handle: names.get(userId)?.handle ?? '', displayName: names.get(userId)?.displayName ?? '' }));
      const announced = {
        giftId: gift.id,
        liveId: gift.live_id,
        gifterId: gift.gifter_id,
        gifterName: names.get(gift.gifter_id)?.displayName ?? '',
        creatorId: gift.creator_id,
        tier: { level: tier.level, name: tier.name },
        months,
        recipients,
        sentAt: at.toISOString(),
      };
      // Each viewer given a subscription is a new subscriber for the live's goal of them.
      const goal = await records.deps.goals?.countSubscribers(gift.creator_id, gift.live_id, recipientIds.length);
      try {
        const transfer = await ledger.submit({
          type: 'posted',
          idempotencyKey: `${SUBSCRIPTION_KEY_PREFIX}gift:${gift.id}`,
          legs: creatorPaymentLegs(gift.gifter_id, gift.creator_id, coins, diamonds),
          authorizedVersions: [
            ...authorizedVersions,
            ...recipientIds.flatMap((userId) => {
              const version = recipientVersions.get(userCoinWalletId(userId));
              return version === undefined ? [] : [{ accountId: userCoinWalletId(userId), version }];
            }),
          ],
          metadata: {
            kind: SUBSCRIPTION_PAYMENT_KIND,
            payment: 'gift',
            giftId: gift.id,
            tierLevel: tier.level,
            months,
            recipients: recipientIds.length,
            coins,
            senderId: gift.gifter_id,
            creatorId: gift.creator_id,
          },
          outbox: [
            { topic: `live:${gift.live_id}`, payload: { type: 'subscription_gift', ...announced } },
            { topic: 'webhook', payload: { event: 'subscription.gifted', data: { ...announced, coins } } },
          ],
          records: paymentRecords,
          ...(goal ? { counters: [goal.counter] } : {}),
        });
        await goal?.committed(transfer.counterTotals?.[0], at);
        await settleGift(records, gift.id, transfer.id);
        return await kysely.selectFrom('subscription_gifts').selectAll().where('id', '=', gift.id).executeTakeFirstOrThrow();
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'authorization_changed') continue;
        if (error instanceof LedgerError && error.code === 'insufficient_funds') {
          await release(records, gift.id);
          throw await insufficientCoins(gift.gifter_id, `${recipientIds.length === 1 ? 'This gift' : `${recipientIds.length} gifted subscriptions`}`, coins);
        }
        throw error;
      }
    }
    await release(records, gift.id);
    throw DomainError.conflict('recipient_unavailable', 'A viewer this gift was for subscribed, or their account changed, at the same moment; nothing was charged. Try again.');
  }

  return {
    async giftSubscriptions(input) {
      const live = await lives.requireLive(input.liveId);
      const tier = await tiers.tier(live.creatorId, input.level);
      const requestKey = requestKeyOf(input.gifterId, input.idempotencyKey);
      const earlier = await kysely.selectFrom('subscription_gifts').selectAll().where('gifter_id', '=', input.gifterId).where('request_key', '=', requestKey).executeTakeFirst();
      if (earlier?.status === 'paid') return { gift: await giftView(earlier), replayed: true };
      if (earlier?.status === 'claimed') return { gift: await giftView(await payGift(earlier, input.session)), replayed: true };
      if (input.gifterId === live.creatorId) throw DomainError.invalidRequest('cannot_gift_yourself', 'You cannot gift subscriptions in your own live.');
      if (!tier.open) throw DomainError.conflict('tier_closed', `The tier "${tier.name}" takes no new subscribers; choose another.`);
      const { recipient } = input;
      let recipientIds: string[];
      let months: number;
      if (recipient.type === 'viewer') {
        if (!Number.isSafeInteger(recipient.months) || recipient.months < 1 || recipient.months > MAX_GIFTED_MONTHS) {
          throw DomainError.invalidField('months', 'invalid_months', `A gift gives 1 to ${MAX_GIFTED_MONTHS} months.`);
        }
        if (!(await mayReceive(recipient.userId, live.creatorId, input.gifterId))) {
          throw DomainError.conflict('recipient_not_eligible', 'This viewer cannot be given a subscription to this creator: they already have one, or their account cannot receive it.');
        }
        recipientIds = [recipient.userId];
        months = recipient.months;
      } else {
        if (!Number.isSafeInteger(recipient.count) || recipient.count < 1 || recipient.count > MAX_GIFTED_SUBSCRIPTIONS) {
          throw DomainError.invalidField('count', 'invalid_count', `A gift is for 1 to ${MAX_GIFTED_SUBSCRIPTIONS} viewers.`);
        }
        const candidates = await viewersIn(live.id);
        const eligible: string[] = [];
        for (const userId of shuffled(candidates)) {
          if (eligible.length === recipient.count) break;
          if (await mayReceive(userId, live.creatorId, input.gifterId)) eligible.push(userId);
        }
        if (eligible.length < recipient.count) {
          throw DomainError.conflict(
            'not_enough_viewers',
            eligible.length === 0
              ? 'Nobody in the room can be given a subscription right now: everyone here already has one.'
              : `Only ${eligible.length} viewer${eligible.length === 1 ? '' : 's'} in the room can be given a subscription right now; gift that many.`,
          );
        }
        recipientIds = eligible;
        months = 1;
      }
      const coins = tier.priceCoins * months * recipientIds.length;
      assertConfirmed(
        coins,
        input.confirm,
        recipientIds.length === 1 ? `Gifting ${months === 1 ? 'a month' : `${months} months`} of "${tier.name}"` : `Gifting ${recipientIds.length} subscriptions to "${tier.name}"`,
      );
      // Checked now for a clear answer; the ledger checks it again when it pays.
      await accounts.authorizePayment({ senderId: input.gifterId, creatorId: live.creatorId, session: input.session, fresh: false });
      const gift = {
        id: newId('sgift'),
        gifter_id: input.gifterId,
        creator_id: live.creatorId,
        live_id: live.id,
        tier_level: BigInt(tier.level),
        months: BigInt(months),
        coins: BigInt(coins),
        recipients: JSON.stringify(recipientIds),
        request_key: requestKey,
        created_at: now().toISOString(),
      };
      if (!(await claim(gift, recipientIds, tier))) {
        const again = await kysely.selectFrom('subscription_gifts').selectAll().where('gifter_id', '=', input.gifterId).where('request_key', '=', requestKey).executeTakeFirst();
        if (again) return { gift: await giftView(again.status === 'claimed' ? await payGift(again, input.session) : again), replayed: true };
        throw DomainError.conflict('recipient_unavailable', 'A viewer this gift was for was given a subscription by someone else at the same moment; nothing was charged. Try again.');
      }
      const paid = await payGift({ ...gift, status: 'claimed', transfer_id: null }, input.session);
      return { gift: await giftView(paid), replayed: false };
    },
  };
}

/** Thrown inside the claim's transaction to roll it back when a recipient was taken meanwhile. */
class GiftClaimLost extends Error {}

/** The items in a random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
