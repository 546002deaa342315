import { minorUnitDigits } from '../ledger/index.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import type { PayPalConfig } from './config.js';
import { QuoteRefused, type PayoutProvider, type PayoutProviderEvent, type PayoutRequest, type ProviderPayoutResult } from './provider.js';
import { customerTransactionIdOf, toMajorUnits } from './wise.js';

/** What a PayPal webhook delivery did: the event it applied, or why it applied none. */
export type PayPalWebhookResult = PayoutProviderEvent['type'] | 'ignored' | 'unknown_payout';

export interface PayPalPayoutProvider extends PayoutProvider {
  /** Has PayPal verify the delivery's signature, then applies a payout item's event; throws WebhookSignatureError. */
  handleWebhook(rawBody: string, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<PayPalWebhookResult>;
}

export interface PayPalPayoutProviderOptions extends PayPalConfig {
  /** The payout PayPal's batch of this id pays, found by the reference `send` answered. */
  payoutIdOf(batchId: string): Promise<string | undefined>;
}

/** PayPal's payout item states that settle a payout; UNCLAIMED and the states before it leave it processing. */
const SETTLING_STATES: Record<string, Omit<PayoutProviderEvent, 'payoutId'>> = {
  SUCCESS: { type: 'paid' },
  FAILED: { type: 'failed', reason: 'PayPal could not pay the PayPal account.' },
  BLOCKED: { type: 'failed', reason: 'PayPal blocked the payment to this PayPal account.' },
  DENIED: { type: 'failed', reason: 'PayPal denied the payout.' },
  CANCELED: { type: 'failed', reason: 'The payout was cancelled at PayPal.' },
  // Unclaimed for 30 days, the money comes back; the payouts service counts a return of a payout it never saw paid as a failure.
  RETURNED: { type: 'returned', reason: 'Nobody claimed the payment at PayPal in 30 days, so it came back.' },
  REFUNDED: { type: 'returned', reason: 'PayPal refunded the payment: the money came back.' },
  REVERSED: { type: 'returned', reason: 'PayPal reversed the payment.' },
};

/** The webhook events of payout items, by the item state each reports. */
const EVENT_STATES: Record<string, string> = {
  'PAYMENT.PAYOUTITEM.SUCCEEDED': 'SUCCESS',
  'PAYMENT.PAYOUTITEM.FAILED': 'FAILED',
  'PAYMENT.PAYOUTITEM.BLOCKED': 'BLOCKED',
  'PAYMENT.PAYOUTITEM.DENIED': 'DENIED',
  'PAYMENT.PAYOUTITEM.CANCELED': 'CANCELED',
  'PAYMENT.PAYOUTITEM.RETURNED': 'RETURNED',
  'PAYMENT.PAYOUTITEM.REFUNDED': 'REFUNDED',
  'PAYMENT.PAYOUTITEM.UNCLAIMED': 'UNCLAIMED',
};

const SIGNATURE_HEADERS = ['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url', 'paypal-auth-algo'] as const;

/** A failed call PayPal answered with an error of the request's own (a 4xx other than authentication and rate limits). */
class PayPalRefusal extends Error {
  override readonly name = 'PayPalRefusal';
  constructor(
    message: string,
    readonly body: PayPalError | null,
  ) {
    super(message);
  }
}

interface PayPalError {
  name?: string;
  message?: string;
  error_description?: string;
  details?: { issue?: string; description?: string }[];
  links?: { href: string; rel: string; method?: string }[];
}

interface PayPalBatch {
  batch_header: { payout_batch_id: string; batch_status: string };
  items?: { transaction_status?: string; errors?: { message?: string } }[];
}

/**
 * Payouts through PayPal's Payouts API to PayPal accounts, by email: each payout is a batch of one
 * item, keyed by a sender_batch_id made from the payout id, so PayPal pays it once however often
 * it is sent. PayPal reports the item by webhook, which PayPal itself verifies.
 */
export function createPayPalPayoutProvider(options: PayPalPayoutProviderOptions): PayPalPayoutProvider {
  const { apiUrl, clientId, clientSecret, webhookId } = options;
  let handler: ((event: PayoutProviderEvent) => Promise<void>) | undefined;
  let token: { value: string; expiresAtMs: number } | undefined;

  /** An OAuth2 client-credentials token, kept until a minute before it expires. */
  async function accessToken(): Promise<string> {
    if (token && token.expiresAtMs > Date.now()) return token.value;
    const response = await fetch(`${apiUrl}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials',
    });
    const answer = (await response.json()) as { access_token?: string; expires_in?: number; error_description?: string };
    if (!response.ok || !answer.access_token) throw new Error(`PayPal refused the client credentials (${response.status}): ${answer.error_description ?? 'no token'}`);
    token = { value: answer.access_token, expiresAtMs: Date.now() + ((answer.expires_in ?? 0) - 60) * 1000 };
    return token.value;
  }

  /** Calls PayPal; a refusal of the request itself throws a PayPalRefusal, anything else (network, 5xx, 401, 429) an Error so the payout is sent again later. */
  async function call<T>(method: 'GET' | 'POST', pathOrUrl: string, body?: string): Promise<T> {
    const response = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${apiUrl}${pathOrUrl}`, {
      method,
      headers: { authorization: `Bearer ${await accessToken()}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
    });
    const text = await response.text();
    const parsed = (text === '' ? null : JSON.parse(text)) as unknown;
    if (response.ok) return parsed as T;
    if (response.status === 401) token = undefined;
    const error = parsed as PayPalError | null;
    const message = error?.details?.[0]?.issue ?? error?.details?.[0]?.description ?? error?.message ?? error?.error_description;
    if (response.status >= 500 || [401, 403, 429].includes(response.status) || message === undefined) {
      throw new Error(`PayPal answered ${response.status} to ${method} ${pathOrUrl}${message ? `: ${message}` : ''}`);
    }
    throw new PayPalRefusal(message, error);
  }

  /** The payout as PayPal's batch shows it: its one item's state, or the batch's when it was denied as a whole. */
  function resultOf(batch: PayPalBatch): ProviderPayoutResult {
    const reference = batch.batch_header.payout_batch_id;
    if (batch.batch_header.batch_status === 'DENIED') return { status: 'failed', reference, reason: SETTLING_STATES.DENIED!.reason! };
    const settled = SETTLING_STATES[batch.items?.[0]?.transaction_status ?? ''];
    if (settled?.type === 'paid') return { status: 'paid', reference };
    if (settled?.type === 'failed') return { status: 'failed', reference, reason: batch.items?.[0]?.errors?.message ?? settled.reason! };
    return { status: 'processing', reference };
  }

  return {
    name: 'paypal',

    async send(request: PayoutRequest): Promise<ProviderPayoutResult> {
      const senderBatchId = customerTransactionIdOf(request.payoutId);
      if (request.destination.type !== 'wallet' || !request.destination.email) {
        return { status: 'failed', reference: senderBatchId, reason: 'PayPal pays PayPal accounts only: add a wallet payout method with the email of your PayPal account.' };
      }
      const body = JSON.stringify({
        sender_batch_header: { sender_batch_id: senderBatchId, recipient_type: 'EMAIL', email_subject: 'You have a payout' },
        items: [
          {
            recipient_type: 'EMAIL',
            amount: { value: toMajorUnits(request.amountMinor, request.currency).toFixed(minorUnitDigits(request.currency)), currency: request.currency },
            receiver: request.destination.email,
            sender_item_id: request.payoutId,
          },
        ],
      });
      try {
        return resultOf(await call<PayPalBatch>('POST', '/v1/payments/payouts', body));
      } catch (error) {
        if (!(error instanceof PayPalRefusal)) throw error;
        // PayPal refuses a sender_batch_id used in the last 30 days and links the batch it made: the payout was sent before.
        const original = error.body?.links?.find((link) => link.method === undefined || link.method === 'GET');
        if (original && /sender_batch_id/i.test(JSON.stringify(error.body))) return resultOf(await call<PayPalBatch>('GET', original.href));
        return { status: 'failed', reference: senderBatchId, reason: error.message };
      }
    },

    async quote() {
      throw new QuoteRefused('PayPal sends payouts in the currency of the diamonds; its PayPal accounts convert on receipt.');
    },

    async status(reference) {
      const settled = resultOf(await call<PayPalBatch>('GET', `/v1/payments/payouts/${encodeURIComponent(reference)}`));
      return settled.status === 'processing' ? undefined : settled;
    },

    onEvent(next) {
      handler = next;
    },

    async handleWebhook(rawBody, headers) {
      const signature = Object.fromEntries(SIGNATURE_HEADERS.map((name) => [name, headers[name]]));
      if (Object.values(signature).some((value) => typeof value !== 'string' || value === '')) {
        throw new WebhookSignatureError(`A PayPal webhook needs exactly one of each of ${SIGNATURE_HEADERS.join(', ')}.`);
      }
      // The event goes to PayPal as it arrived: re-serialized JSON would no longer match the signature's CRC32.
      const verification = await call<{ verification_status: string }>(
        'POST',
        '/v1/notifications/verify-webhook-signature',
        `{"auth_algo":${JSON.stringify(signature['paypal-auth-algo'])},"cert_url":${JSON.stringify(signature['paypal-cert-url'])},` +
          `"transmission_id":${JSON.stringify(signature['paypal-transmission-id'])},"transmission_sig":${JSON.stringify(signature['paypal-transmission-sig'])},` +
          `"transmission_time":${JSON.stringify(signature['paypal-transmission-time'])},"webhook_id":${JSON.stringify(webhookId)},"webhook_event":${rawBody}}`,
      ).catch((error: unknown) => {
        if (error instanceof PayPalRefusal) throw new WebhookSignatureError(`PayPal refused to verify the webhook: ${error.message}`);
        throw error;
      });
      if (verification.verification_status !== 'SUCCESS') throw new WebhookSignatureError('PayPal did not verify the webhook signature.');
      const event = JSON.parse(rawBody) as { event_type?: string; resource?: { payout_batch_id?: string; payout_item?: { sender_item_id?: string } } };
      const settled = SETTLING_STATES[EVENT_STATES[event.event_type ?? ''] ?? ''];
      const batchId = event.resource?.payout_batch_id;
      if (!settled || batchId === undefined) return 'ignored';
      const payoutId = await options.payoutIdOf(batchId);
      if (payoutId === undefined || payoutId !== event.resource?.payout_item?.sender_item_id) return 'unknown_payout';
      await handler?.({ payoutId, ...settled });
      return settled.type;
    },
  };
}
