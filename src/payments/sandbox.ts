import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId, type Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { PaymentEvent, PaymentProvider, ProviderPayment, ProviderPaymentStatus } from './provider.js';
import { signPayload, verifySignature } from '../shared/signatures.js';

export const SANDBOX_SIGNATURE_HEADER = 'ovation-sandbox-signature';

/** The sandbox's test cards and what each does, as card networks' test numbers do. */
export const TEST_CARDS = {
  '4242424242424242': { outcome: 'succeeds' },
  '4000000000000002': { outcome: 'declined', failureCode: 'card_declined' },
  '4000000000009995': { outcome: 'declined', failureCode: 'insufficient_funds' },
  '4000000000003220': { outcome: 'challenge' },
  '4000000000000259': { outcome: 'disputed_later' },
  // Saved, and charged once; every later charge of the saved card is declined: a renewal that fails later.
  '4000000000000341': { outcome: 'declined_after_first_charge', failureCode: 'card_declined' },
} as const satisfies Record<string, { outcome: string; failureCode?: string }>;

/**
 * How the sandbox delivers webhooks for one checkout. `chaos` (the default)
 * does what real providers do now and then: delays each event by a random
 * few milliseconds and delivers some twice, so their order is not
 * guaranteed. `drop` never delivers, for testing reconciliation.
 */
export type WebhookBehaviour = 'chaos' | 'once' | 'twice' | 'drop';

export interface SandboxOptions {
  kysely: Kysely<Schema>;
  webhookSecret: string;
  now: () => Date;
  /** How long after a successful payment a `disputed_later` card is charged back. */
  disputeDelayMs: number;
}

export interface SandboxProvider extends PaymentProvider {
  /** Where the sandbox sends its webhooks: the server's own webhook route. Set once the server is built. */
  connect(deliver: (rawBody: string, signature: string) => Promise<void>): void;
  /** Pays (or fails to pay) an order's payment with a test card. */
  checkout(orderId: string, card: string, webhooks?: WebhookBehaviour): Promise<ProviderPayment>;
  /** Completes (or abandons) the challenge step of a 3-D Secure-style card. */
  completeChallenge(orderId: string, approve: boolean, webhooks?: WebhookBehaviour): Promise<ProviderPayment>;
  paymentForOrder(orderId: string): Promise<ProviderPayment | undefined>;
  /** Refunds an order's payment on the sandbox's side, as an operator would in a provider's dashboard; the server hears of it by webhook. */
  refundAtProvider(orderId: string, webhooks?: WebhookBehaviour): Promise<ProviderPayment>;
  /** Signs a body as the sandbox would; for forging tests and fixtures. */
  sign(rawBody: string, at?: Date): string;
  /** Resolves when no delivery is scheduled or in flight. */
  idle(): Promise<void>;
  close(): void;
}

export function createSandboxProvider(options: SandboxOptions): SandboxProvider {
  const { kysely, webhookSecret, now } = options;
  let deliver: ((rawBody: string, signature: string) => Promise<void>) | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const toPayment = (row: { id: string; order_id: string; status: string; failure_code: string | null }): ProviderPayment => ({
    id: row.id,
    orderId: row.order_id,
    status: row.status as ProviderPaymentStatus,
    failureCode: row.failure_code,
  });

  async function paymentForOrder(orderId: string): Promise<ProviderPayment | undefined> {
    const row = await kysely.selectFrom('sandbox_payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    return row ? toPayment(row) : undefined;
  }

  async function retrievePayment(paymentId: string): Promise<ProviderPayment | undefined> {
    const row = await kysely.selectFrom('sandbox_payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
    return row ? toPayment(row) : undefined;
  }

  async function requirePayment(orderId: string): Promise<ProviderPayment> {
    const payment = await paymentForOrder(orderId);
    if (!payment) throw DomainError.notFound('payment_not_found', 'The sandbox has no payment for this order.');
    return payment;
  }

  async function setStatus(payment: ProviderPayment, status: ProviderPaymentStatus, extra: { failureCode?: string; cardLast4?: string } = {}): Promise<ProviderPayment> {
    await kysely
      .updateTable('sandbox_payments')
      .set({ status, failure_code: extra.failureCode ?? null, updated_at: now().toISOString(), ...(extra.cardLast4 ? { card_last4: extra.cardLast4 } : {}) })
      .where('id', '=', payment.id)
      .execute();
    return { ...payment, status, failureCode: extra.failureCode ?? null };
  }

  function schedule(delayMs: number, task: () => Promise<void>): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const running = task().finally(() => inFlight.delete(running));
      inFlight.add(running);
    }, delayMs);
    timers.add(timer);
  }

  function emit(type: PaymentEvent['type'], payment: ProviderPayment, behaviour: WebhookBehaviour): void {
    const event = { id: `evt_${randomBytes(12).toString('hex')}`, type, data: { paymentId: payment.id, orderId: payment.orderId, failureCode: payment.failureCode } };
    const rawBody = JSON.stringify(event);
    const copies = behaviour === 'drop' ? 0 : behaviour === 'once' ? 1 : behaviour === 'twice' ? 2 : Math.random() < 0.3 ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const delayMs = behaviour === 'chaos' ? 5 + Math.floor(Math.random() * 45) : copy * 5;
      schedule(delayMs, async () => {
        // A failed delivery is what reconciliation exists for; the sandbox does not retry.
        await deliver?.(rawBody, signPayload(webhookSecret, rawBody, now())).catch(() => {});
      });
    }
  }

  /** Returns a succeeded payment to the payer, and says so by webhook as a provider does, whoever asked for it. */
  async function refund(payment: ProviderPayment, behaviour: WebhookBehaviour): Promise<ProviderPayment> {
    if (payment.status === 'refunded') return payment;
    if (payment.status !== 'succeeded') throw DomainError.conflict('payment_not_refundable', `The payment is ${payment.status.replace(/_/g, ' ')}; only a succeeded payment can be refunded.`);
    const refunded = await setStatus(payment, 'refunded');
    emit('payment.refunded', refunded, behaviour);
    return refunded;
  }

  async function succeed(payment: ProviderPayment, card: string, behaviour: WebhookBehaviour): Promise<ProviderPayment> {
    const paid = await setStatus(payment, 'succeeded', { cardLast4: card.slice(-4) });
    emit('payment.succeeded', paid, behaviour);
    if (TEST_CARDS[card as keyof typeof TEST_CARDS]?.outcome === 'disputed_later') {
      schedule(options.disputeDelayMs, async () => {
        const disputed = await setStatus(paid, 'disputed');
        emit('payment.disputed', disputed, behaviour === 'drop' ? 'once' : behaviour);
      });
    }
    return paid;
  }

  return {
    name: 'sandbox',

    async createPayment({ orderId, amountMinor, currency }) {
      const existing = await paymentForOrder(orderId);
      if (existing) return existing;
      const at = now().toISOString();
      const row = {
        id: newId('sbpay'),
        order_id: orderId,
        amount_minor: amountMinor,
        currency,
        status: 'requires_payment_method',
        card_last4: null,
        failure_code: null,
        created_at: at,
        updated_at: at,
      };
      await kysely
        .insertInto('sandbox_payments')
        .values(row)
        .onConflict((oc) => oc.column('order_id').doNothing())
        .execute();
      return (await paymentForOrder(orderId))!;
    },

    retrievePayment,

    async refundPayment(paymentId) {
      const payment = await retrievePayment(paymentId);
      if (!payment) throw DomainError.notFound('payment_not_found', `The sandbox has no payment ${paymentId}.`);
      return refund(payment, 'once');
    },

    async refundAtProvider(orderId, behaviour = 'chaos') {
      return refund(await requirePayment(orderId), behaviour);
    },

    parseWebhook(rawBody, headers) {
      const header = headers[SANDBOX_SIGNATURE_HEADER];
      verifySignature(webhookSecret, rawBody, Array.isArray(header) ? header[0] : header, now());
      const event = JSON.parse(rawBody) as { id: string; type: PaymentEvent['type']; data: { paymentId: string; orderId: string; failureCode: string | null } };
      return { id: event.id, type: event.type, paymentId: event.data.paymentId, orderId: event.data.orderId, failureCode: event.data.failureCode };
    },

    connect(target) {
      deliver = target;
    },

    async checkout(orderId, cardInput, behaviour = 'chaos') {
      const card = cardInput.replace(/[\s-]/g, '');
      const payment = await requirePayment(orderId);
      if (payment.status !== 'requires_payment_method' && payment.status !== 'failed') {
        throw DomainError.conflict('payment_not_payable', `This payment is ${payment.status.replace(/_/g, ' ')}; it cannot be paid again.`);
      }
      const testCard = TEST_CARDS[card as keyof typeof TEST_CARDS];
      if (!testCard) {
        throw DomainError.invalidField('card', 'unknown_test_card', 'The sandbox takes only its test cards, such as 4242 4242 4242 4242; see docs/payments.md.');
      }
      if (testCard.outcome === 'declined') {
        const failed = await setStatus(payment, 'failed', { failureCode: testCard.failureCode, cardLast4: card.slice(-4) });
        emit('payment.failed', failed, behaviour);
        return failed;
      }
      if (testCard.outcome === 'challenge') return setStatus(payment, 'requires_action', { cardLast4: card.slice(-4) });
      return succeed(payment, card, behaviour);
    },

    async completeChallenge(orderId, approve, behaviour = 'chaos') {
      const payment = await requirePayment(orderId);
      if (payment.status !== 'requires_action') throw DomainError.conflict('no_challenge_pending', 'This payment has no challenge waiting.');
      if (approve) return succeed(payment, '4000000000003220', behaviour);
      const failed = await setStatus(payment, 'failed', { failureCode: 'authentication_failed' });
      emit('payment.failed', failed, behaviour);
      return failed;
    },

    async saveCard({ userId, card: cardInput, customerRef }) {
      if (cardInput === undefined) throw DomainError.invalidField('card', 'card_required', 'The sandbox saves one of its test cards: send its number as `card`.');
      const card = cardInput.replace(/[\s-]/g, '');
      const testCard = TEST_CARDS[card as keyof typeof TEST_CARDS];
      if (!testCard) throw DomainError.invalidField('card', 'unknown_test_card', 'The sandbox takes only its test cards, such as 4242 4242 4242 4242; see docs/payments.md.');
      if (testCard.outcome === 'declined' && testCard.failureCode === 'card_declined') {
        throw new DomainError('declined', 'card_declined', 'The card was declined and cannot be saved. Try another card.', { param: 'card' });
      }
      const customer = customerRef ?? (await kysely.selectFrom('sandbox_payment_methods').select('customer_id').where('user_id', '=', userId).executeTakeFirst())?.customer_id ?? newId('sbcus');
      const method = { id: newId('sbpm'), customer_id: customer, user_id: userId, card, charges: 0n, detached: 0n, created_at: now().toISOString() };
      await kysely.insertInto('sandbox_payment_methods').values(method).execute();
      return { customerRef: customer, methodRef: method.id, last4: card.slice(-4), brand: 'visa' };
    },

    async removeCard({ methodRef }) {
      await kysely.updateTable('sandbox_payment_methods').set({ detached: 1n }).where('id', '=', methodRef).execute();
    },

    async chargeSavedCard({ orderId, amountMinor, currency, customerRef, methodRef }) {
      const existing = await paymentForOrder(orderId);
      if (existing) return existing;
      // One charge per order however many ask at once: the order's unique payment row lets one charge in.
      const at = now().toISOString();
      const inserted = await kysely
        .insertInto('sandbox_payments')
        .values({ id: newId('sbpay'), order_id: orderId, amount_minor: amountMinor, currency, status: 'requires_payment_method', card_last4: null, failure_code: null, created_at: at, updated_at: at })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
        // Another request is charging this order now: its outcome is a moment away.
        for (let waited = 0; waited < 5_000; waited += 10) {
          const payment = (await paymentForOrder(orderId))!;
          if (payment.status !== 'requires_payment_method') return payment;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return (await paymentForOrder(orderId))!;
      }
      const row = await kysely.selectFrom('sandbox_payments').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
      const method = await kysely.selectFrom('sandbox_payment_methods').selectAll().where('id', '=', methodRef).where('customer_id', '=', customerRef).executeTakeFirst();
      let status: ProviderPaymentStatus = 'failed';
      let failureCode: string | null = 'card_declined';
      if (method && method.detached === 0n) {
        // Counted in one statement, so each charge of the card has its own number.
        const { charges } = await kysely
          .updateTable('sandbox_payment_methods')
          .set((eb) => ({ charges: eb('charges', '+', 1n) }))
          .where('id', '=', method.id)
          .returning('charges')
          .executeTakeFirstOrThrow();
        const testCard = TEST_CARDS[method.card as keyof typeof TEST_CARDS];
        const outcome = testCard.outcome === 'declined_after_first_charge' && BigInt(charges) > 1n ? 'declined' : testCard.outcome;
        if (outcome === 'declined') failureCode = 'failureCode' in testCard ? testCard.failureCode : 'card_declined';
        // Off-session, nobody is there to pass a challenge: such a card fails as the issuer could not confirm it.
        else if (outcome === 'challenge') failureCode = 'authentication_failed';
        else [status, failureCode] = ['succeeded', null];
      }
      const charged = { payment: { ...toPayment(row), status, failureCode }, card: method?.card ?? '' };
      await kysely
        .updateTable('sandbox_payments')
        .set({ status, failure_code: failureCode, card_last4: method?.card.slice(-4) ?? null, updated_at: at })
        .where('id', '=', row.id)
        .execute();
      if (charged.payment.status === 'failed') {
        emit('payment.failed', charged.payment, 'chaos');
        return charged.payment;
      }
      // Emits the webhook (and schedules a disputed_later card's chargeback) as a checkout does.
      return succeed(charged.payment, charged.card, 'chaos');
    },

    paymentForOrder,

    sign(rawBody, at = now()) {
      return signPayload(webhookSecret, rawBody, at);
    },

    async idle() {
      while (timers.size > 0 || inFlight.size > 0) {
        await Promise.all(inFlight);
        if (timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },

    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
