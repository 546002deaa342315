import { createPublicKey } from 'node:crypto';
import { ConfigError, parseInteger, parseUrl } from '../config/index.js';

/** The rules of cashing out, all set by the operator. Money thresholds are in the minor unit of the diamonds' cash currency. */
export interface PayoutConfig {
  /** The smallest payout: 2,000 diamonds (10 USD at the default value). */
  readonly minimumDiamonds: bigint;
  /** Most a creator may request in 24 hours, requests in review included. */
  readonly dailyMaximumMinor: bigint;
  /** A creator's first payout waits this long after their first earning. */
  readonly firstPayoutHoldDays: number;
  readonly review: PayoutReviewConfig;
  /** How long after paying the sandbox's "returned" test accounts send the money back. */
  readonly sandboxReturnDelayMs: number;
  /** How often payouts left mid-way (a crash, a provider that did not answer) are driven on. */
  readonly repairIntervalMs: number;
  /** Set when Wise sends the payouts (PAYOUT_PROVIDER=wise); otherwise the built-in sandbox does. */
  readonly wise: WiseConfig | undefined;
}

export interface WiseConfig {
  /** Wise's API, `https://api.wise.com` (or the sandbox, `https://api.sandbox.transferwise.tech`). */
  readonly apiUrl: string;
  readonly apiToken: string;
  /** The business profile whose balance pays the transfers. */
  readonly profileId: number;
  /** Wise's PEM public key that webhook signatures verify against; live and sandbox keys differ. */
  readonly webhookPublicKey: string;
}

/** When a payout waits for an admin instead of being approved automatically. */
export interface PayoutReviewConfig {
  readonly largeAmountMinor: bigint;
  readonly youngAccountDays: number;
  /** A payer whose account was younger than this when they first paid the creator counts as new. */
  readonly newPayerDays: number;
  /** Review when new or disputed payers brought at least this share of the last 30 days' diamonds. */
  readonly riskyPayerSharePercent: number;
  /** Review when the last 24 hours brought more than this many times the daily average of the 30 days before; 0 turns the check off. */
  readonly spikeFactor: number;
}

export function loadPayoutConfig(env: Readonly<Record<string, string | undefined>>): PayoutConfig {
  const read = (name: string, fallback: string, min: number, max: number) => parseInteger(name, env[name]?.trim() || fallback, min, max);
  const provider = env.PAYOUT_PROVIDER?.trim() || 'sandbox';
  if (provider !== 'sandbox' && provider !== 'wise') throw new ConfigError('PAYOUT_PROVIDER', `expected sandbox or wise, got ${JSON.stringify(provider)}`);
  return {
    minimumDiamonds: BigInt(read('PAYOUT_MINIMUM_DIAMONDS', '2000', 1, Number.MAX_SAFE_INTEGER)),
    dailyMaximumMinor: BigInt(read('PAYOUT_DAILY_MAXIMUM_MINOR', '100000', 1, Number.MAX_SAFE_INTEGER)),
    firstPayoutHoldDays: read('PAYOUT_FIRST_HOLD_DAYS', '7', 0, 365),
    review: {
      largeAmountMinor: BigInt(read('PAYOUT_REVIEW_LARGE_MINOR', '50000', 1, Number.MAX_SAFE_INTEGER)),
      youngAccountDays: read('PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS', '30', 0, 3650),
      newPayerDays: read('PAYOUT_REVIEW_NEW_PAYER_DAYS', '7', 0, 365),
      riskyPayerSharePercent: read('PAYOUT_REVIEW_RISKY_PAYER_PERCENT', '50', 1, 100),
      spikeFactor: read('PAYOUT_REVIEW_SPIKE_FACTOR', '5', 0, 1000),
    },
    sandboxReturnDelayMs: read('PAYOUT_SANDBOX_RETURN_DELAY_MS', '60000', 0, 86_400_000),
    repairIntervalMs: read('PAYOUT_REPAIR_INTERVAL_MS', '10000', 0, 3_600_000),
    wise: provider === 'wise' ? loadWiseConfig(env) : undefined,
  };
}

function loadWiseConfig(env: Readonly<Record<string, string | undefined>>): WiseConfig {
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(name, 'PAYOUT_PROVIDER=wise needs it');
    return value;
  };
  const apiToken = required('WISE_API_TOKEN');
  const profileId = parseInteger('WISE_PROFILE_ID', required('WISE_PROFILE_ID'), 1, Number.MAX_SAFE_INTEGER);
  // A PEM often arrives on one line with its newlines written as \n, as many secret stores keep it.
  const webhookPublicKey = required('WISE_WEBHOOK_PUBLIC_KEY').replace(/\\n/g, '\n');
  try {
    createPublicKey(webhookPublicKey);
  } catch {
    throw new ConfigError('WISE_WEBHOOK_PUBLIC_KEY', 'expected a PEM public key (-----BEGIN PUBLIC KEY-----…), as Wise publishes it');
  }
  return { apiUrl: parseUrl('WISE_API_URL', env.WISE_API_URL?.trim() || 'https://api.wise.com'), apiToken, profileId, webhookPublicKey };
}
