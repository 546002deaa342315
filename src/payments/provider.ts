/** Where a payment stands at the provider. */
export type ProviderPaymentStatus = 'requires_payment_method' | 'requires_action' | 'succeeded' | 'failed' | 'disputed' | 'refunded';

export interface ProviderPayment {
  id: string;
  orderId: string;
  status: ProviderPaymentStatus;
  failureCode: string | null;
  /** What the buyer's browser needs to confirm the payment with the provider's own script (Stripe.js), when it has one. */
  clientSecret?: string;
}

/** A webhook event, reduced to what the order service acts on. */
export interface PaymentEvent {
  /** The provider's event id: a redelivery carries the same one. */
  id: string;
  type: 'payment.succeeded' | 'payment.failed' | 'payment.disputed' | 'payment.refunded';
  paymentId: string;
  orderId: string;
  failureCode: string | null;
}

/**
 * A verified webhook event the order service does not act on. Providers send
 * every event type an endpoint subscribes to, so the route answers these
 * with 200 (otherwise the provider retries them for days) and does nothing.
 */
export class IgnoredWebhookEvent extends Error {
  override readonly name = 'IgnoredWebhookEvent';

  constructor(
    readonly eventId: string,
    readonly eventType: string,
    reason: string,
  ) {
    super(`Event ${eventId} (${eventType}) is ignored: ${reason}`);
  }
}

export interface SaveCardInput {
  userId: string;
  /** The sandbox's test card number. */
  card?: string;
  /** A payment method collected by the provider's script, such as Stripe's `pm_…`. */
  paymentMethodId?: string;
  customerRef?: string;
}

/** A saved card as the provider knows it. */
export interface SavedCardRefs {
  customerRef: string;
  methodRef: string;
  last4: string;
  brand: string | null;
}

/** What the order service needs from a card payment provider. */
export interface PaymentProvider {
  readonly name: string;
  /** Creates (or, for the same order, returns) the provider's payment for an order. */
  createPayment(input: { orderId: string; amountMinor: bigint; currency: string }): Promise<ProviderPayment>;
  retrievePayment(paymentId: string): Promise<ProviderPayment | undefined>;
  /** Returns the whole payment to the payer; the same key never refunds twice. */
  refundPayment(paymentId: string, idempotencyKey: string): Promise<ProviderPayment>;
  /**
   * Saves a card for later charges without the buyer present: `card` is a sandbox test number, `paymentMethodId` a
   * payment method the provider's own script collected (Stripe.js). `customerRef` is the customer the user's earlier
   * cards were saved under, so one user stays one customer. Refuses a card it cannot save (DomainError).
   */
  saveCard(input: SaveCardInput): Promise<SavedCardRefs>;
  /** Stops a saved card being charged again. */
  removeCard(input: { customerRef: string; methodRef: string }): Promise<void>;
  /**
   * Charges a saved card off-session (merchant-initiated: nobody is there to pass a challenge). The order id is the
   * provider's idempotency key: the same order is charged once however often it is asked. A decline answers a failed
   * payment with its failure code; a charge that would need the buyer (3-D Secure) fails as authentication_failed.
   */
  chargeSavedCard(input: { orderId: string; amountMinor: bigint; currency: string; customerRef: string; methodRef: string }): Promise<ProviderPayment>;
  /** Verifies the signature over the raw body and parses the event; throws WebhookSignatureError. */
  parseWebhook(rawBody: string, headers: Readonly<Record<string, string | string[] | undefined>>): PaymentEvent;
}
