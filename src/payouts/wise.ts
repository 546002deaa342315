import { createHash, verify } from 'node:crypto';
import { minorUnitDigits } from '../ledger/index.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import type { WiseConfig } from './config.js';
import { QuoteRefused, type PayoutDestination, type PayoutProvider, type PayoutProviderEvent, type PayoutRequest, type ProviderPayoutResult, type ProviderQuote } from './provider.js';

export const WISE_SIGNATURE_HEADER = 'x-signature-sha256';

/** What a Wise webhook delivery did: the event it applied, or why it applied none. */
export type WiseWebhookResult = PayoutProviderEvent['type'] | 'ignored' | 'unknown_transfer';

export interface WisePayoutProvider extends PayoutProvider {
  /** Verifies the signature over the raw body, then applies a transfer's state change; throws WebhookSignatureError. */
  handleWebhook(rawBody: string, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<WiseWebhookResult>;
}

export interface WisePayoutProviderOptions extends WiseConfig {
  /** The payout Wise's transfer of this id pays, found by the reference `send` answered. */
  payoutIdOf(transferId: string): Promise<string | undefined>;
}

/** Wise's transfer states that settle a payout, as payout events; the states in between leave it processing. */
const SETTLING_STATES: Record<string, Omit<PayoutProviderEvent, 'payoutId'>> = {
  outgoing_payment_sent: { type: 'paid' },
  // The money came back; the payouts service counts a return of a payout it never saw paid as a failure.
  funds_refunded: { type: 'returned', reason: 'Wise refunded the transfer: the money did not reach the recipient.' },
  bounced_back: { type: 'returned', reason: "The recipient's bank sent the money back." },
  cancelled: { type: 'failed', reason: 'Wise cancelled the transfer.' },
  charged_back: { type: 'failed', reason: "The transfer's funding was charged back." },
};

/** A failed call Wise answered with an error of the request's own (a 4xx other than authentication and rate limits). */
class WiseRefusal extends Error {
  override readonly name = 'WiseRefusal';
}

/**
 * Wise's idempotency key for a transfer must be a UUID: this one is made from the payout id, so
 * sending a payout again (after a crash or a timeout) names the transfer already made.
 */
export function customerTransactionIdOf(payoutId: string): string {
  const hex = createHash('sha256').update(`ovation_payout:${payoutId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Wise takes amounts in major units: 2000 USD minor units are 20, while 1100 JPY are 1100 (yen have no minor unit). */
export function toMajorUnits(amountMinor: bigint, currency: string): number {
  if (amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`A Wise payout amount must be a safe integer of minor units; got ${amountMinor}.`);
  // A correctly rounded division: the nearest double to the decimal, which JSON writes as that decimal (20.05, not 20.049999…).
  return Number(amountMinor) / 10 ** minorUnitDigits(currency);
}

/** Wise's major units back into minor units; rounding absorbs the binary fraction of a decimal such as 20.05. */
function toMinorUnits(amountMajor: number, currency: string): bigint {
  return BigInt(Math.round(amountMajor * 10 ** minorUnitDigits(currency)));
}

/** The part of a Wise quote that payouts read: what paying from the balance by bank transfer costs and gives. */
interface WiseQuote {
  id: string;
  rate: number;
  expirationTime: string;
  targetAmount: number;
  paymentOptions?: { payIn: string; payOut: string; disabled?: boolean; fee: { total: number }; targetAmount: number }[];
}

/** Wise's quote as payouts keep it: the option paid from the balance to a bank account, or the quote's own amounts. */
function providerQuoteOf(quote: WiseQuote, sourceCurrency: string, targetCurrency: string): ProviderQuote {
  const option = quote.paymentOptions?.find((each) => each.payIn === 'BALANCE' && each.payOut === 'BANK_TRANSFER' && !each.disabled);
  const target = option?.targetAmount ?? quote.targetAmount;
  return {
    reference: quote.id,
    rate: String(quote.rate),
    feeMinor: toMinorUnits(option?.fee.total ?? 0, sourceCurrency),
    targetMinor: toMinorUnits(target, targetCurrency),
    expiresAt: new Date(quote.expirationTime),
  };
}

/** Wise's recipient type and details: US and UK accounts by their local routing, others by IBAN; wallets by email. */
function recipientOf(destination: PayoutDestination): { type: string; details: Record<string, unknown> } {
  if (destination.type === 'wallet') return { type: 'email', details: { email: destination.email } };
  const legalType = 'PRIVATE';
  if (destination.currency === 'USD') {
    return { type: 'aba', details: { legalType, abartn: destination.routingCode, accountNumber: destination.accountNumber, accountType: 'CHECKING', address: { country: destination.country } } };
  }
  if (destination.currency === 'GBP') return { type: 'sort_code', details: { legalType, sortCode: destination.routingCode, accountNumber: destination.accountNumber } };
  return { type: 'iban', details: { legalType, IBAN: destination.accountNumber } };
}

/** Wise's error bodies come in three shapes: `errors[]` (validation), `error_description` (OAuth) and `message`. */
function errorMessageOf(body: unknown): string | undefined {
  const error = body as { errors?: { message?: string }[]; error_description?: string; message?: string } | null;
  return error?.errors?.[0]?.message ?? error?.error_description ?? error?.message;
}

/**
 * Payouts through Wise's Platform API: each payout is a quote, a recipient account, a transfer and
 * its funding from the profile's balance. The transfer then travels for hours or days; Wise reports
 * its states by signed webhook.
 */
export function createWisePayoutProvider(options: WisePayoutProviderOptions): WisePayoutProvider {
  const { apiUrl, apiToken, profileId, webhookPublicKey } = options;
  let handler: ((event: PayoutProviderEvent) => Promise<void>) | undefined;

  /**
   * Calls Wise. A refusal of the request itself answers a WiseRefusal with Wise's message; network
   * errors, 5xx, and refusals of our token or our pace throw, so the payout is sent again later.
   */
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (response.ok) return parsed as T;
    const message = errorMessageOf(parsed);
    if (response.status >= 500 || [401, 403, 429].includes(response.status) || message === undefined) {
      throw new Error(`Wise answered ${response.status} to ${method} ${path}${message ? `: ${message}` : ''}`);
    }
    throw new WiseRefusal(message);
  }

  /** What a transfer Wise already has answers: settled states as they settle the payout, anything else still processing. */
  function resultOf(reference: string, state: string): ProviderPayoutResult {
    const settled = SETTLING_STATES[state];
    if (settled?.type === 'paid') return { status: 'paid', reference };
    if (settled) return { status: 'failed', reference, reason: settled.reason! };
    return { status: 'processing', reference };
  }

  return {
    name: 'wise',

    async send(request: PayoutRequest): Promise<ProviderPayoutResult> {
      const customerTransactionId = customerTransactionIdOf(request.payoutId);
      let reference = customerTransactionId;
      try {
        // The amount the recipient receives is fixed (the quote the creator confirmed); the balance pays what converting it costs now.
        const quote = await call<{ id: string }>('POST', `/v3/profiles/${profileId}/quotes`, {
          sourceCurrency: request.sourceCurrency,
          targetCurrency: request.currency,
          targetAmount: toMajorUnits(request.amountMinor, request.currency),
        });
        const account = await call<{ id: number }>('POST', '/v1/accounts', {
          profile: profileId,
          accountHolderName: request.destination.holderName,
          currency: request.currency,
          ...recipientOf(request.destination),
        });
        // Wise answers the transfer already made for this customerTransactionId, so a resend does not pay twice.
        const transfer = await call<{ id: number; status: string }>('POST', '/v1/transfers', { targetAccount: account.id, quoteUuid: quote.id, customerTransactionId, details: {} });
        reference = String(transfer.id);
        if (transfer.status !== 'incoming_payment_waiting') return resultOf(reference, transfer.status);
        const payment = await call<{ status: string; errorCode: string | null }>('POST', `/v3/profiles/${profileId}/transfers/${transfer.id}/payments`, { type: 'BALANCE' });
        if (payment.status !== 'COMPLETED') return { status: 'failed', reference, reason: `Wise refused to pay the transfer from the balance: ${payment.errorCode ?? payment.status}.` };
        return { status: 'processing', reference };
      } catch (error) {
        if (error instanceof WiseRefusal) return { status: 'failed', reference, reason: error.message };
        throw error;
      }
    },

    async quote(request): Promise<ProviderQuote> {
      try {
        const quote = await call<WiseQuote>('POST', `/v3/profiles/${profileId}/quotes`, {
          sourceCurrency: request.sourceCurrency,
          targetCurrency: request.targetCurrency,
          sourceAmount: toMajorUnits(request.sourceMinor, request.sourceCurrency),
          payOut: 'BANK_TRANSFER',
        });
        return providerQuoteOf(quote, request.sourceCurrency, request.targetCurrency);
      } catch (error) {
        if (error instanceof WiseRefusal) throw new QuoteRefused(error.message);
        throw error;
      }
    },

    onEvent(next) {
      handler = next;
    },

    async handleWebhook(rawBody, headers) {
      const signature = headers[WISE_SIGNATURE_HEADER];
      if (typeof signature !== 'string' || signature === '') throw new WebhookSignatureError('The webhook needs exactly one X-Signature-SHA256 header.');
      if (!verify('sha256', Buffer.from(rawBody), webhookPublicKey, Buffer.from(signature, 'base64'))) {
        throw new WebhookSignatureError("The Wise webhook signature does not match Wise's public key.");
      }
      const event = JSON.parse(rawBody) as { event_type?: string; data?: { resource?: { id?: number }; current_state?: string } };
      const settled = event.event_type === 'transfers#state-change' ? SETTLING_STATES[event.data?.current_state ?? ''] : undefined;
      const transferId = event.data?.resource?.id;
      if (!settled || transferId === undefined) return 'ignored';
      const payoutId = await options.payoutIdOf(String(transferId));
      if (payoutId === undefined) return 'unknown_transfer';
      await handler?.({ payoutId, ...settled });
      return settled.type;
    },
  };
}
