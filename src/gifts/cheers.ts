import type { Static } from 'typebox';
import type { CheerEvent } from '../live/index.js';
import { DomainError } from '../shared/errors.js';
import { coinMessageEvent, coinMessageFields, type CoinMessageInput, type CreatorPayments } from './payments.js';
import { checkMessageText, textDigest, type TextModeration } from './text.js';
import type { CheerBadgeSchema, CheerSchema } from './views.js';

export type CheerBadge = Static<typeof CheerBadgeSchema>;

/** Badges by amount, in the spirit of Twitch Bits: a cheer gets the last badge whose `minCoins` it reaches. */
const CHEER_BADGES: readonly (CheerBadge & { minCoins: number })[] = [
  { minCoins: 1, name: 'gray', color: '#979797' },
  { minCoins: 100, name: 'purple', color: '#9C3EE8' },
  { minCoins: 1_000, name: 'green', color: '#1DB2A5' },
  { minCoins: 5_000, name: 'blue', color: '#0099FE' },
  { minCoins: 10_000, name: 'red', color: '#F43021' },
];
export const CHEER_MAX_COINS = 10_000;
export const CHEER_MAX_CHARS = 200;

export type Cheer = Static<typeof CheerSchema>;

type CheerPaid = Omit<Cheer, 'id'>;

export type SendCheerInput = CoinMessageInput;

/** The badge a cheer of `coins` gets; 400 invalid_coins outside 1..CHEER_MAX_COINS. */
export function cheerBadgeFor(coins: number): CheerBadge {
  if (!Number.isSafeInteger(coins) || coins < 1 || coins > CHEER_MAX_COINS) {
    throw DomainError.invalidField('coins', 'invalid_coins', `A cheer carries a whole number of coins from 1 to ${CHEER_MAX_COINS.toLocaleString('en-US')}, not ${coins}.`);
  }
  const { name, color } = CHEER_BADGES.findLast((badge) => coins >= badge.minCoins)!;
  return { name, color };
}

/** Bits style cheers: a chat message carrying coins for the creator, through the one payment path. */
export interface Cheers {
  /** Sends a cheer into a live that is on. */
  send(input: SendCheerInput): Promise<{ cheer: Cheer; replayed: boolean }>;
}

export function createCheers(deps: { payments: Pick<CreatorPayments, 'pay'>; moderation: TextModeration }): Cheers {
  const { payments, moderation } = deps;
  return {
    async send(input) {
      const badge = cheerBadgeFor(input.coins);
      const text = checkMessageText(input.text, 'A cheer', CHEER_MAX_CHARS, (chars) => `A cheer holds up to ${CHEER_MAX_CHARS} characters; this one has ${chars}.`);
      const paid = await payments.pay<CheerPaid>({
        kind: 'cheer',
        senderId: input.senderId,
        target: { type: 'live', liveId: input.liveId },
        request: { coins: input.coins, textSha256: textDigest(text) },
        confirm: input.confirm,
        idempotencyKey: input.idempotencyKey,
        session: input.session,
        // A muted or banned sender is refused here, after a retry's replay and before any coins move.
        price: async () => {
          await moderation.assertMayPost(input.liveId, input.senderId);
          return {
            coins: input.coins,
            label: 'This cheer',
            describe: (settled) => ({ ...coinMessageFields(input, text, settled), badge, sentAt: settled.at.toISOString() }),
          };
        },
        roomEvent: (cheer, liveId) => ({ type: 'cheer', ...coinMessageEvent(cheer, liveId), badge: cheer.badge }) satisfies Omit<CheerEvent, 'eventId'>,
        columns: () => ({ giftId: null, quantity: 1, combo: null, pinnedUntil: null }),
      });
      return { cheer: { ...paid.result, id: paid.id }, replayed: paid.replayed };
    },
  };
}
