import Stripe from 'stripe';
import { DomainError } from '../shared/errors.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import { IgnoredWebhookEvent, type PaymentProvider, type ProviderPayment, type ProviderPaymentStatus } from './provider.js';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** How old a signed webhook may be, in seconds: older ones are replays. */
const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

export interface StripeProviderOptions {
  /** `sk_test_…` or `sk_live_…`. */
  secretKey: string;
  /** The endpoint's signing secret, `whsec_…`. */
  webhookSecret: string;
  /** Replaces the network, for tests: `Stripe.createFetchHttpClient(fakeFetch)`. */
  httpClient?: Stripe.HttpClient;
  /** The clock webhook timestamps are checked against. */
  now?: () => Date;
}

/** Stripe's failure codes, in the order service's terms; others are passed on as Stripe names them. */
const FAILURE_CODES: Record<string, string> = {
  insufficient_funds: 'insufficient_funds',
  card_declined: 'card_declined',
  authentication_required: 'authentication_failed',
  // What Stripe reports when the buyer fails or abandons the 3-D Secure challenge.
  payment_intent_authentication_failure: 'authentication_failed',
};

/** The decline code is the more specific (`insufficient_funds` comes with the code `card_declined`), so it wins when it is known. */
function failureCode(error: Stripe.PaymentIntent.LastPaymentError | null): string | null {
  if (!error) return null;
  for (const code of [error.decline_code, error.code]) {
    if (code && FAILURE_CODES[code]) return FAILURE_CODES[code];
  }
  return error.decline_code ?? error.code ?? null;
}

function paymentStatus(intent: Stripe.PaymentIntent): { status: ProviderPaymentStatus; failureCode: string | null } {
  // Stripe leaves a disputed or refunded payment `succeeded`; only its charge tells. A chargeback
  // takes the money back whatever else happened to the charge, so it is reported first.
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  if (charge?.disputed) return { status: 'disputed', failureCode: null };
  if (charge?.refunded) return { status: 'refunded', failureCode: null };
  switch (intent.status) {
    case 'succeeded':
      return { status: 'succeeded', failureCode: null };
    case 'requires_action':
    case 'requires_confirmation':
      return { status: 'requires_action', failureCode: null };
    case 'canceled':
      return { status: 'failed', failureCode: 'canceled' };
    case 'requires_payment_method':
      // After a failed attempt Stripe returns the intent to requires_payment_method and keeps the error.
      return intent.last_payment_error ? { status: 'failed', failureCode: failureCode(intent.last_payment_error) } : { status: 'requires_payment_method', failureCode: null };
    default:
      // `processing` (the buyer is done and the money is on its way: seconds for cards, days for bank
      // debits), and `requires_capture`, which our automatically captured intents never reach, are not
      // settled yet. requires_payment_method is the status the order service leaves as it is;
      // requires_action would ask the buyer for a step that does not exist. The outcome comes as a webhook.
      return { status: 'requires_payment_method', failureCode: null };
  }
}

function toPayment(intent: Stripe.PaymentIntent): ProviderPayment {
  return { id: intent.id, orderId: intent.metadata.orderId ?? '', ...paymentStatus(intent), ...(intent.client_secret ? { clientSecret: intent.client_secret } : {}) };
}

/**
 * Stripe takes amounts in the currency's smallest unit, as our minor units are: 740 USD is $7.40,
 * and zero-decimal currencies such as JPY and KRW take the amount as-is (1100 JPY is ¥1,100).
 */
function toStripeAmount(amountMinor: bigint): number {
  if (amountMinor <= 0n || amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`A Stripe payment amount must be a positive safe integer; got ${amountMinor}.`);
  }
  return Number(amountMinor);
}

function isStripeError(error: unknown, code: string): boolean {
  return error instanceof Stripe.errors.StripeError && error.code === code;
}

export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  const { webhookSecret, now = () => new Date() } = options;
  const stripe = new Stripe(options.secretKey, options.httpClient ? { httpClient: options.httpClient } : {});
  // The charge is expanded because disputes and refunds show only there.
  const retrieveIntent = (paymentId: string) => stripe.paymentIntents.retrieve(paymentId, { expand: ['latest_charge'] });

  return {
    name: 'stripe',

    async createPayment({ orderId, amountMinor, currency }) {
      const intent = await stripe.paymentIntents.create(
        { amount: toStripeAmount(amountMinor), currency: currency.toLowerCase(), metadata: { orderId }, automatic_payment_methods: { enabled: true } },
        // A retry for the same order (after a crash or a timeout) gets the first intent back, not a second one.
        { idempotencyKey: `ovation_order_${orderId}` },
      );
      return toPayment(intent);
    },

    async retrievePayment(paymentId) {
      try {
        return toPayment(await retrieveIntent(paymentId));
      } catch (error) {
        if (isStripeError(error, 'resource_missing')) return undefined;
        throw error;
      }
    },

    async refundPayment(paymentId, idempotencyKey) {
      try {
        // With no amount, Stripe refunds whatever of the payment is not refunded yet.
        await stripe.refunds.create({ payment_intent: paymentId }, { idempotencyKey });
      } catch (error) {
        // Stripe forgets idempotency keys after a day, and a refund may have been made in its Dashboard: either way, done.
        if (!isStripeError(error, 'charge_already_refunded')) throw error;
      }
      return toPayment(await retrieveIntent(paymentId));
    },

    async saveCard({ userId, paymentMethodId, customerRef }) {
      if (paymentMethodId === undefined) {
        throw DomainError.invalidField('paymentMethodId', 'payment_method_required', 'Send the `pm_…` id Stripe.js gave for the card as `paymentMethodId`.');
      }
      // One customer per user: the key makes a retry (or two cards saved at once) create it once.
      const customer = customerRef ?? (await stripe.customers.create({ metadata: { userId } }, { idempotencyKey: `ovation_customer_${userId}` })).id;
      let method: Stripe.PaymentMethod;
      try {
        method = await stripe.paymentMethods.attach(paymentMethodId, { customer });
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) {
          throw DomainError.declined(error.decline_code ?? error.code ?? 'card_declined', error.message, { param: 'paymentMethodId' });
        }
        if (isStripeError(error, 'resource_missing')) throw DomainError.invalidField('paymentMethodId', 'payment_method_not_found', `Stripe has no payment method ${paymentMethodId}.`);
        throw error;
      }
      if (method.type !== 'card' || !method.card) {
        throw DomainError.invalidField('paymentMethodId', 'card_required', `Payment method ${paymentMethodId} is a ${method.type}; only cards can be saved.`);
      }
      return { customerRef: customer, methodRef: method.id, last4: method.card.last4, brand: method.card.brand ?? null };
    },

    async removeCard({ methodRef }) {
      try {
        await stripe.paymentMethods.detach(methodRef);
      } catch (error) {
        // Detached already (or deleted in the Dashboard): it can no longer be charged either way.
        if (!isStripeError(error, 'resource_missing') && !isStripeError(error, 'payment_method_unexpected_state')) throw error;
      }
    },

    async chargeSavedCard({ orderId, amountMinor, currency, customerRef, methodRef }) {
      let payment: ProviderPayment;
      try {
        const intent = await stripe.paymentIntents.create(
          { amount: toStripeAmount(amountMinor), currency: currency.toLowerCase(), customer: customerRef, payment_method: methodRef, off_session: true, confirm: true, metadata: { orderId } },
          // The same order is charged once: a retry gets the first attempt's intent (or its decline) back.
          { idempotencyKey: `ovation_order_${orderId}` },
        );
        payment = toPayment(intent);
      } catch (error) {
        // A decline answers 402 with the PaymentIntent, its last_payment_error saying why.
        const intent = error instanceof Stripe.errors.StripeCardError ? (error.raw as { payment_intent?: Stripe.PaymentIntent }).payment_intent : undefined;
        if (!intent) throw error;
        payment = toPayment(intent);
        if (payment.status !== 'failed')
          payment = {
            ...payment,
            status: 'failed',
            failureCode: failureCode(intent.last_payment_error) ?? FAILURE_CODES[error instanceof Stripe.errors.StripeCardError ? (error.code ?? '') : ''] ?? 'card_declined',
          };
      }
      // Nobody is there to pass a 3-D Secure challenge: off-session, a payment that asks for one has failed.
      if (payment.status === 'requires_action') return { ...payment, status: 'failed', failureCode: 'authentication_failed' };
      return payment;
    },

    parseWebhook(rawBody, headers) {
      const header = headers[STRIPE_SIGNATURE_HEADER];
      if (typeof header !== 'string' || header === '') throw new WebhookSignatureError('The webhook needs exactly one Stripe-Signature header.');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, header, webhookSecret, STRIPE_WEBHOOK_TOLERANCE_SECONDS, undefined, now().getTime());
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
          throw new WebhookSignatureError(`The Stripe webhook signature was refused: ${error.message}`);
        }
        throw error;
      }

      // orderId is '' when the object carries none (a dispute never does): the order is then found by paymentId.
      switch (event.type) {
        case 'payment_intent.succeeded': {
          const intent = event.data.object;
          return { id: event.id, type: 'payment.succeeded', paymentId: intent.id, orderId: intent.metadata.orderId ?? '', failureCode: null };
        }
        case 'payment_intent.payment_failed': {
          const intent = event.data.object;
          return { id: event.id, type: 'payment.failed', paymentId: intent.id, orderId: intent.metadata.orderId ?? '', failureCode: failureCode(intent.last_payment_error) };
        }
        case 'charge.dispute.created': {
          const dispute = event.data.object;
          const paymentId = typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
          if (!paymentId) throw new IgnoredWebhookEvent(event.id, event.type, 'the disputed charge was not made through a PaymentIntent');
          return { id: event.id, type: 'payment.disputed', paymentId, orderId: dispute.metadata.orderId ?? '', failureCode: null };
        }
        // A refund made in the Dashboard, by the API, or by Stripe itself. The charge carries the intent's metadata;
        // a refund carries its own (none of ours), so its order is found by the PaymentIntent.
        case 'charge.refunded':
        case 'refund.created': {
          const refunded = event.data.object;
          const paymentId = typeof refunded.payment_intent === 'string' ? refunded.payment_intent : refunded.payment_intent?.id;
          if (!paymentId) throw new IgnoredWebhookEvent(event.id, event.type, 'the refunded charge was not made through a PaymentIntent');
          const orderId = event.type === 'charge.refunded' ? (refunded.metadata?.orderId ?? '') : '';
          return { id: event.id, type: 'payment.refunded', paymentId, orderId, failureCode: null };
        }
        default:
          throw new IgnoredWebhookEvent(event.id, event.type, 'the order service does not act on this event type');
      }
    },
  };
}
