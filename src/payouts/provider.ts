import { randomUUID } from 'node:crypto';
import { minorUnitDigits } from '../ledger/index.js';

/** Where a payout's money goes, as the creator's payout method stores it. */
export interface PayoutDestination {
  type: 'bank_account' | 'wallet';
  holderName: string;
  accountNumber?: string | null;
  routingCode?: string | null;
  email?: string | null;
  country: string;
  currency: string;
}

export interface PayoutRequest {
  /** Also the provider's idempotency key: sending the same payout twice pays once. */
  payoutId: string;
  /** What the recipient receives, in the minor unit of `currency` (the destination's). */
  amountMinor: bigint;
  currency: string;
  /** The currency the platform pays from: the diamonds' cash currency. */
  sourceCurrency: string;
  destination: PayoutDestination;
}

/** A conversion of `sourceMinor` into `targetCurrency` at the provider's rate, less its fee. */
export interface QuoteRequest {
  sourceMinor: bigint;
  sourceCurrency: string;
  targetCurrency: string;
}

export interface ProviderQuote {
  /** The provider's own quote id. */
  reference: string;
  /** Target units per source unit, as the provider wrote it. */
  rate: string;
  /** Taken from the source amount, in its minor unit. */
  feeMinor: bigint;
  targetMinor: bigint;
  expiresAt: Date;
}

/** The provider will not quote this conversion (a currency it cannot pay in, an amount out of its range): a refusal of the request, not an outage. */
export class QuoteRefused extends Error {
  override readonly name = 'QuoteRefused';
}

export type ProviderPayoutResult = { status: 'paid' | 'processing'; reference: string } | { status: 'failed'; reference: string; reason: string };

/** What a provider reports later: paid or failed for a payout in processing, returned when the money came back (a failure if it was not paid yet). */
export interface PayoutProviderEvent {
  payoutId: string;
  type: 'paid' | 'failed' | 'returned';
  reason?: string;
}

/** Sends money to creators: a bank transfer or a wallet payment. */
export interface PayoutProvider {
  readonly name: string;
  send(request: PayoutRequest): Promise<ProviderPayoutResult>;
  /** The provider's conversion for a payout in another currency; throws QuoteRefused when it will not convert this. */
  quote(request: QuoteRequest): Promise<ProviderQuote>;
  /** The payout's outcome as the provider shows it now, for a payout it took on (`reference`); undefined while it is still on its way. Providers without it report by events only. */
  status?(reference: string): Promise<ProviderPayoutResult | undefined>;
  /** Where the provider's later events go; set once by the payouts service. */
  onEvent(handler: (event: PayoutProviderEvent) => Promise<void>): void;
}

/** The sandbox's test destinations and what each does: bank accounts by their last four digits, wallets by the email's local part. */
const SANDBOX_PAYOUT_OUTCOMES = {
  failed: { accountSuffix: '0002', emailLocalPart: 'fail', reason: 'The receiving bank rejected the account (sandbox test destination).' },
  returned: { accountSuffix: '0003', emailLocalPart: 'return', reason: 'The receiving bank sent the money back: the account is closed (sandbox test destination).' },
} as const;

/** The sandbox's rates from USD, as a provider writes them; it converts into no other currency. */
const SANDBOX_RATES_FROM_USD: Readonly<Record<string, string>> = { EUR: '0.9213', GBP: '0.7902', CAD: '1.3607', AUD: '1.5088', JPY: '149.52' };
/** The sandbox's fee on a conversion: 0.5% of the source amount, rounded up to the minor unit. */
const SANDBOX_FEE_PER_MILLE = 5n;
const SANDBOX_QUOTE_TTL_MS = 30 * 60_000;

/**
 * `sourceMinor` converted at `rate` (target units per source unit, a decimal string) into the target's
 * minor unit, rounded down: the recipient never receives more than the rate gives.
 */
function convertMinor(sourceMinor: bigint, rate: string, sourceCurrency: string, targetCurrency: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) throw new RangeError(`A rate must be a positive decimal; got ${rate}.`);
  const fraction = match[2] ?? '';
  const rateScaled = BigInt(match[1]! + fraction);
  const exponent = minorUnitDigits(targetCurrency) - minorUnitDigits(sourceCurrency) - fraction.length;
  return exponent >= 0 ? sourceMinor * rateScaled * 10n ** BigInt(exponent) : (sourceMinor * rateScaled) / 10n ** BigInt(-exponent);
}

export interface SandboxPayoutProvider extends PayoutProvider {
  /** Resolves when no return is scheduled or being delivered. */
  idle(): Promise<void>;
  close(): void;
}

function outcomeOf(destination: PayoutDestination): keyof typeof SANDBOX_PAYOUT_OUTCOMES | 'paid' {
  for (const [outcome, test] of Object.entries(SANDBOX_PAYOUT_OUTCOMES) as [keyof typeof SANDBOX_PAYOUT_OUTCOMES, (typeof SANDBOX_PAYOUT_OUTCOMES)[keyof typeof SANDBOX_PAYOUT_OUTCOMES]][]) {
    if (destination.type === 'bank_account' && destination.accountNumber?.endsWith(test.accountSuffix)) return outcome;
    if (destination.type === 'wallet' && destination.email?.split('@')[0]?.toLowerCase() === test.emailLocalPart) return outcome;
  }
  return 'paid';
}

/**
 * A payout provider that pays at once, decided by the destination alone so that sending a payout
 * again (after a crash) answers the same: most destinations are paid, test destinations fail or are
 * paid and returned `returnDelayMs` later.
 */
export function createSandboxPayoutProvider(options: { returnDelayMs: number; now: () => Date }): SandboxPayoutProvider {
  let handler: ((event: PayoutProviderEvent) => Promise<void>) | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const scheduled = new Set<string>();
  let closed = false;

  /** Delivers a return event, again after the same delay while the handler fails, as providers retry their webhooks. */
  function scheduleReturn(payoutId: string): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const delivery = (handler?.({ payoutId, type: 'returned', reason: SANDBOX_PAYOUT_OUTCOMES.returned.reason }) ?? Promise.resolve())
        .catch(() => scheduleReturn(payoutId))
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }, options.returnDelayMs);
    timers.add(timer);
  }

  return {
    name: 'sandbox',
    async send(request) {
      const reference = `sbx_${request.payoutId}`;
      const outcome = outcomeOf(request.destination);
      if (outcome === 'failed') return { status: 'failed', reference, reason: SANDBOX_PAYOUT_OUTCOMES.failed.reason };
      if (outcome === 'returned' && !scheduled.has(request.payoutId)) {
        scheduled.add(request.payoutId);
        scheduleReturn(request.payoutId);
      }
      return { status: 'paid', reference };
    },
    async quote(request) {
      const rate = request.sourceCurrency === 'USD' ? SANDBOX_RATES_FROM_USD[request.targetCurrency] : undefined;
      if (rate === undefined) throw new QuoteRefused(`The sandbox pays out from USD in ${Object.keys(SANDBOX_RATES_FROM_USD).join(', ')} only.`);
      const feeMinor = (request.sourceMinor * SANDBOX_FEE_PER_MILLE + 999n) / 1000n;
      return {
        reference: `sbxq_${randomUUID()}`,
        rate,
        feeMinor,
        targetMinor: convertMinor(request.sourceMinor - feeMinor, rate, request.sourceCurrency, request.targetCurrency),
        expiresAt: new Date(options.now().getTime() + SANDBOX_QUOTE_TTL_MS),
      };
    },
    onEvent(next) {
      handler = next;
    },
    async idle() {
      while (timers.size > 0 || inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
