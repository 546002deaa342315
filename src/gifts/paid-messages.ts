import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import type { Schema } from '../db/index.js';
import type { PaidMessageEvent } from '../live/index.js';
import { DomainError } from '../shared/errors.js';
import { coinMessageEvent, coinMessageFields, type CoinMessageInput, type CreatorPayments } from './payments.js';
import { checkMessageText, textDigest, type TextModeration } from './text.js';
import type { PaidMessageSchema, PaidMessageTierSchema } from './views.js';

/** How a paid message shows in the room: its colour, how long it stays pinned at the top, and how long it may be. */
export type PaidMessageTier = Static<typeof PaidMessageTierSchema>;

/**
 * The tiers, cheapest first; a message takes the last tier whose `minCoins` it reaches. In the
 * spirit of YouTube's Super Chat: dearer messages get a louder colour, stay pinned longer and may say more.
 */
export const PAID_MESSAGE_TIERS: readonly (PaidMessageTier & { minCoins: number })[] = [
  { minCoins: 20, name: 'blue', color: '#1E88E5', pinSeconds: 0, maxChars: 50 },
  { minCoins: 50, name: 'light_blue', color: '#00E5FF', pinSeconds: 0, maxChars: 100 },
  { minCoins: 100, name: 'green', color: '#1DE9B6', pinSeconds: 30, maxChars: 150 },
  { minCoins: 200, name: 'yellow', color: '#FFCA28', pinSeconds: 60, maxChars: 200 },
  { minCoins: 500, name: 'orange', color: '#F57C00', pinSeconds: 120, maxChars: 225 },
  { minCoins: 1_000, name: 'magenta', color: '#E91E63', pinSeconds: 180, maxChars: 250 },
  { minCoins: 5_000, name: 'purple', color: '#8E24AA', pinSeconds: 240, maxChars: 300 },
  { minCoins: 10_000, name: 'red', color: '#E62117', pinSeconds: 300, maxChars: 350 },
];
export const PAID_MESSAGE_MIN_COINS = PAID_MESSAGE_TIERS[0]!.minCoins;
export const PAID_MESSAGE_MAX_COINS = 50_000;
/** Most pinned messages a client joining a room is shown. */
const PINNED_LIMIT = 50;

export type PaidMessage = Static<typeof PaidMessageSchema>;

type MessagePaid = Omit<PaidMessage, 'id'>;

export type SendPaidMessageInput = CoinMessageInput;

export interface PaidMessagesDependencies {
  kysely: Kysely<Schema>;
  payments: Pick<CreatorPayments, 'pay' | 'committedMessages'>;
  /** Mutes and bans: a muted or banned sender is refused before any coins move. */
  moderation: TextModeration;
  now: () => Date;
}

/** The tier a message of `coins` gets; 400 invalid_coins outside PAID_MESSAGE_MIN_COINS..PAID_MESSAGE_MAX_COINS. */
export function paidMessageTierFor(coins: number): PaidMessageTier {
  if (!Number.isSafeInteger(coins) || coins < PAID_MESSAGE_MIN_COINS || coins > PAID_MESSAGE_MAX_COINS) {
    throw DomainError.invalidField(
      'coins',
      'invalid_coins',
      `A paid message costs a whole number of coins from ${PAID_MESSAGE_MIN_COINS} to ${PAID_MESSAGE_MAX_COINS.toLocaleString('en-US')}, not ${coins}.`,
    );
  }
  const { name, color, pinSeconds, maxChars } = PAID_MESSAGE_TIERS.findLast((tier) => coins >= tier.minCoins)!;
  return { name, color, pinSeconds, maxChars };
}

/** Super Chat style messages: text shown highlighted in the room, paid to the creator through the one payment path. */
export interface PaidMessages {
  /** Sends a paid message into a live that is on. */
  send(input: SendPaidMessageInput): Promise<{ paidMessage: PaidMessage; replayed: boolean }>;
  /** The live's messages still pinned now, newest first, as the room showed them (with their `eventId`): for a client (re)joining the room. */
  pinned(liveId: string): Promise<PaidMessageEvent[]>;
}

export function createPaidMessages(deps: PaidMessagesDependencies): PaidMessages {
  const { kysely, payments, moderation, now } = deps;

  return {
    async send(input) {
      const tier = paidMessageTierFor(input.coins);
      const text = checkMessageText(input.text, 'A paid message', tier.maxChars, (chars) => {
        const next = PAID_MESSAGE_TIERS.find((other) => other.maxChars >= chars);
        const longer = next ? ` Shorten it, or pay ${next.minCoins.toLocaleString('en-US')} coins or more for up to ${next.maxChars}.` : '';
        return `A ${input.coins.toLocaleString('en-US')}-coin paid message (${tier.name}) holds up to ${tier.maxChars} characters; this one has ${chars}.${longer}`;
      });
      const paid = await payments.pay<MessagePaid>({
        kind: 'paid_message',
        senderId: input.senderId,
        target: { type: 'live', liveId: input.liveId },
        request: { coins: input.coins, textSha256: textDigest(text) },
        confirm: input.confirm,
        idempotencyKey: input.idempotencyKey,
        session: input.session,
        // After a retry's replay and before any coins move.
        price: async () => {
          await moderation.assertMayPost(input.liveId, input.senderId);
          return {
            coins: input.coins,
            label: 'This paid message',
            describe: (settled) => ({
              ...coinMessageFields(input, text, settled),
              tier,
              pinnedUntil: tier.pinSeconds === 0 ? null : new Date(settled.at.getTime() + tier.pinSeconds * 1000).toISOString(),
              sentAt: settled.at.toISOString(),
            }),
          };
        },
        roomEvent: (message, liveId) =>
          ({ type: 'paid_message', ...coinMessageEvent(message, liveId), tier: message.tier, pinnedUntil: message.pinnedUntil }) satisfies Omit<PaidMessageEvent, 'eventId'>,
        columns: (message) => ({ giftId: null, quantity: 1, combo: null, pinnedUntil: message.pinnedUntil }),
      });
      return { paidMessage: { ...paid.result, id: paid.id }, replayed: paid.replayed };
    },

    async pinned(liveId) {
      const rows = await kysely
        .selectFrom('gift_events')
        .select('transfer_id')
        .where('live_id', '=', liveId)
        .where('pinned_until', '>', now().toISOString())
        .orderBy('sent_at', 'desc')
        .limit(PINNED_LIMIT)
        .execute();
      const events = await payments.committedMessages(
        rows.map((row) => row.transfer_id),
        `live:${liveId}`,
      );
      // Committed order: the newest message has the latest transfer.
      return events.reverse().map((event) => ({ ...event.payload, eventId: event.eventId }) as PaidMessageEvent);
    },
  };
}
