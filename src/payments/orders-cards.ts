import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { newId } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { customPriceMinor } from '../store/index.js';
import { credit } from './orders-credit.js';
import { cardFeeMinor, priceOrderRow } from './orders-placing.js';
import { priceText, type OrderRecords, type OrderRow } from './orders-records.js';
import { applyPayment } from './orders-settlement.js';
import type { ProviderPayment } from './provider.js';
import type { SavedCardTable } from './schema.js';
import type { SavedCard } from './views.js';

type SavedCardRow = Selectable<SavedCardTable>;

export interface BuyWithSavedCardInput {
  userId: string;
  cardId: string;
  coins: number;
  idempotencyKey: string;
}

/**
 * What an off-session purchase came to. `succeeded`: the coins are credited (or, rarely, the provider is still
 * processing the charge and its webhook credits them). `failed`: nothing was charged, or the charge was declined;
 * `orderId` is null when the purchase was refused before an order was made (card_not_found, budget_exceeded, …).
 */
export type CardPurchaseResult = { status: 'succeeded'; orderId: string } | { status: 'failed'; orderId: string | null; code: string; message: string };

/** Cards users saved, and the coin purchases charged to them without the buyer present (renewals). */
export interface SavedCardPurchases {
  /** Saves a card with the provider for later charges; answers it without the provider's references. */
  saveCard(userId: string, input: { card?: string; paymentMethodId?: string }): Promise<SavedCard>;
  /** The user's saved cards with the current provider, newest first. */
  listCards(userId: string): Promise<SavedCard[]>;
  /** Removes one of the user's cards: it is detached at the provider and never charged again. */
  removeCard(userId: string, cardId: string): Promise<SavedCard>;
  /**
   * Buys exactly `coins` coins with the user's saved card, charged off-session, and credits them at once.
   * Checked as a checkout is: the buy_coins capability, the user's budget and the velocity limits.
   * Idempotent per key: once an attempt succeeded (or is being paid) the same key answers it without charging
   * again; after declined attempts the same key makes a new attempt (`<key>#2`, `#3` …), so a renewal can be retried.
   */
  buyWithSavedCard(input: BuyWithSavedCardInput): Promise<CardPurchaseResult>;
}

/** How long a call waits for another call's charge of the same attempt before resuming it itself (the provider charges an order once). */
const IN_FLIGHT_WAIT_MS = 10_000;
/** Attempts one key may make: a renewal retried every day for months stays well below. */
const MAX_ATTEMPTS = 100;

const keyReused = () => new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This idempotency key was used for a different purchase; use a new key for a new purchase.');

const attemptKey = (idempotencyKey: string, attempt: number): string => (attempt === 1 ? idempotencyKey : `${idempotencyKey}#${attempt}`);

function toCard(row: SavedCardRow): SavedCard {
  return { id: row.id, last4: row.last4, brand: row.brand, createdAt: row.created_at };
}

export function createSavedCardPurchases(records: OrderRecords): SavedCardPurchases {
  const { db, accounts, pricing, spending, provider, now } = records.deps;
  const kysely = db.kysely;

  const cardNotFound = (cardId: string) => DomainError.notFound('card_not_found', `No saved card of yours has the id ${cardId}.`);

  /** The user's card, saved with the current provider and not removed. */
  const ownCard = (userId: string, cardId: string) =>
    kysely.selectFrom('saved_cards').selectAll().where('id', '=', cardId).where('user_id', '=', userId).where('provider', '=', provider.name).where('removed_at', 'is', null).executeTakeFirst();

  const byKey = (userId: string, key: string) => kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();

  /** Custom-amount pricing, also below the store's custom minimum: a month of a subscription may be a few coins. */
  function priceCoins(coins: number, region: string) {
    const custom = pricing.customPricing(region, 'web');
    if (custom && coins < custom.minCoins) {
      return { coins, price: { amount: Number(customPriceMinor(BigInt(coins), BigInt(custom.pricePerCoinMicros), custom.currency)), currency: custom.currency } };
    }
    return pricing.priceCustom(coins, region);
  }

  const failed = (orderId: string | null, code: string, message: string): CardPurchaseResult => ({ status: 'failed', orderId, code, message });

  function resultOf(order: OrderRow): CardPurchaseResult {
    if (order.status === 'failed' || order.status === 'canceled') return failed(order.id, order.failure_code ?? 'payment_failed', order.failure_message ?? 'The payment failed.');
    return { status: 'succeeded', orderId: order.id };
  }

  /** Brings the order in line with its charge: credited at once when it succeeded; a charge needing the absent buyer has failed. */
  async function afterCharge(orderId: string, answered: ProviderPayment): Promise<OrderRow> {
    await records.recordPayment(orderId, answered.id);
    const payment: ProviderPayment = answered.status === 'requires_action' ? { ...answered, status: 'failed', failureCode: 'authentication_failed' } : answered;
    if (payment.status === 'succeeded') {
      await records.setStatus(orderId, 'processing', ['created', 'requires_action']);
      return credit(records, await records.row(orderId));
    }
    if (payment.status === 'requires_payment_method') {
      // The provider is still processing the charge: the order counts as being paid, and the webhook settles it.
      await records.setStatus(orderId, 'processing', ['created']);
      return records.row(orderId);
    }
    return applyPayment(records, await records.row(orderId), payment);
  }

  async function charge(order: OrderRow, card: SavedCardRow): Promise<OrderRow> {
    const payment = await provider.chargeSavedCard({ orderId: order.id, amountMinor: order.amount_minor, currency: order.currency, customerRef: card.customer_ref, methodRef: card.method_ref });
    return afterCharge(order.id, payment);
  }

  /**
   * An attempt found under its key: another call may be charging it right now (wait for it), or a crash stopped it
   * before its charge was recorded (charge it again: the provider answers the same charge for the same order), or
   * it was paid and not yet credited (credit it).
   */
  async function settle(found: OrderRow): Promise<OrderRow> {
    let order = found;
    const started = performance.now();
    while (order.status === 'created' && order.provider_payment_id === null && performance.now() - started < IN_FLIGHT_WAIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order = await records.row(order.id);
    }
    if (order.status === 'created' && order.provider_payment_id === null && order.saved_card_id !== null) {
      const card = await kysely.selectFrom('saved_cards').selectAll().where('id', '=', order.saved_card_id).executeTakeFirstOrThrow();
      return charge(order, card);
    }
    if (order.credit_transfer_id === null && order.provider_payment_id !== null && ['created', 'requires_action', 'processing'].includes(order.status)) {
      const payment = await records.providerOf(order).retrievePayment(order.provider_payment_id);
      if (payment) return afterCharge(order.id, payment);
    }
    return order;
  }

  /** A new attempt under `key`: refused as a checkout would be, or made, counted against the limits and charged. */
  async function newAttempt(input: BuyWithSavedCardInput, key: string, requestHash: string): Promise<{ result: CardPurchaseResult } | { order: OrderRow }> {
    const { userId, cardId, coins } = input;
    let row: OrderRow;
    let card: SavedCardRow | undefined;
    try {
      const user = await accounts.assertCapability(userId, 'buy_coins');
      card = await ownCard(userId, cardId);
      if (!card) throw cardNotFound(cardId);
      const region = user.region.toUpperCase();
      row = await priceOrderRow(records, {
        userId,
        idempotencyKey: key,
        requestHash,
        priced: { id: null, bonusCoins: 0, ...priceCoins(coins, region) },
        region,
        channel: 'web',
        feeMinor: cardFeeMinor,
        provider: provider.name,
        providerPaymentId: null,
        status: 'created',
        savedCardId: card.id,
      });
    } catch (error) {
      if (error instanceof DomainError) return { result: failed(null, error.code, error.message) };
      throw error;
    }
    // Made under the buyer's purchase lock with the limits checked, and counting against them from then on (its claim).
    const claimed = { ...row, checkout_claim: newId('chk') };
    let inserted: boolean;
    try {
      inserted = await spending.claimPurchase(userId, { coins: Number(row.coins), priceText: priceText(row), excludingOrderId: row.id }, async (trx) => {
        const made = await trx.selectFrom('orders').select('id').where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();
        if (made) return false;
        await trx.insertInto('orders').values(claimed).execute();
        return true;
      });
    } catch (error) {
      // A concurrent call with the same key made the attempt first, and it now counts against the limits this one was checked by.
      const raced = await byKey(userId, key);
      if (raced) return { order: raced };
      if (error instanceof DomainError) return { result: failed(null, error.code, error.message) };
      throw error;
    }
    if (!inserted) return { order: (await byKey(userId, key))! };
    return { result: resultOf(await charge(claimed, card)) };
  }

  return {
    async saveCard(userId, input) {
      if ((input.card === undefined) === (input.paymentMethodId === undefined)) {
        throw DomainError.invalidRequest('card_or_payment_method_required', 'Send either card (the sandbox) or paymentMethodId (Stripe).');
      }
      await accounts.assertCapability(userId, 'buy_coins');
      // Every card of a user is saved under one customer at the provider.
      const earlier = await kysely.selectFrom('saved_cards').select('customer_ref').where('user_id', '=', userId).where('provider', '=', provider.name).orderBy('created_at').executeTakeFirst();
      const saved = await provider.saveCard({ userId, ...input, ...(earlier ? { customerRef: earlier.customer_ref } : {}) });
      const row: SavedCardRow = {
        id: newId('card'),
        user_id: userId,
        provider: provider.name,
        customer_ref: saved.customerRef,
        method_ref: saved.methodRef,
        last4: saved.last4,
        brand: saved.brand,
        created_at: now().toISOString(),
        removed_at: null,
      };
      await kysely.insertInto('saved_cards').values(row).execute();
      return toCard(row);
    },

    async listCards(userId) {
      const rows = await kysely
        .selectFrom('saved_cards')
        .selectAll()
        .where('user_id', '=', userId)
        .where('provider', '=', provider.name)
        .where('removed_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toCard);
    },

    async removeCard(userId, cardId) {
      const card = await ownCard(userId, cardId);
      if (!card) throw cardNotFound(cardId);
      await kysely.updateTable('saved_cards').set({ removed_at: now().toISOString() }).where('id', '=', card.id).where('removed_at', 'is', null).execute();
      await provider.removeCard({ customerRef: card.customer_ref, methodRef: card.method_ref });
      return toCard(card);
    },

    async buyWithSavedCard(input) {
      if (!Number.isSafeInteger(input.coins) || input.coins < 1) throw DomainError.invalidField('coins', 'invalid_coins', `A purchase is a whole number of coins of at least 1, not ${input.coins}.`);
      if (input.idempotencyKey === '') throw DomainError.invalidField('idempotencyKey', 'idempotency_key_required', 'A purchase needs an idempotency key.');
      const requestHash = createHash('sha256')
        .update(JSON.stringify(['saved_card', input.coins]))
        .digest('hex');
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        const key = attemptKey(input.idempotencyKey, attempt);
        let order = await byKey(input.userId, key);
        if (!order) {
          const made = await newAttempt(input, key, requestHash);
          if ('result' in made) return made.result;
          order = made.order;
        }
        if (order.request_hash !== requestHash) throw keyReused();
        // An attempt declined before this call: the next one is tried under the next key. One that another call was
        // still making is answered as it ends, so calls at once with one key never charge more than one attempt.
        if (order.status === 'failed' || order.status === 'canceled') continue;
        return resultOf(await settle(order));
      }
      return failed(null, 'too_many_attempts', `The purchase was attempted ${MAX_ATTEMPTS} times under this key; use a new key.`);
    },
  };
}
