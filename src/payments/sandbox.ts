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
