import { parseInteger } from '../config/config.js';

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
  };
}
