import type { PayerShare } from '../gifts/index.js';
import type { PayoutReviewConfig } from './config.js';

const DAY_MS = 86_400_000;
/** The window payers and spikes are judged over. */
const LOOKBACK_DAYS = 30;

/** Why a payout waits for an admin; `code` is stable, `message` is for the admin. */
export interface RiskReason {
  code: 'large_amount' | 'young_account' | 'risky_payers' | 'disputed_payers' | 'earnings_spike' | 'chargeback_clawback' | 'identity_revoked';
  message: string;
}

/** What review looks at, gathered by the payouts service. */
export interface RiskFacts {
  amountMinor: bigint;
  amountText: string;
  accountCreatedAt: string;
  /** Payers of the last 30 days. */
  payers: readonly PayerShare[];
  /** Which of those payers have had a purchase charged back. */
  disputedPayerIds: ReadonlySet<string>;
  lastDayDiamonds: bigint;
  /** Diamonds of the 30 days before the last 24 hours. */
  priorDiamonds: bigint;
  minimumDiamonds: bigint;
  now: Date;
}

export const RISK_LOOKBACK_MS = LOOKBACK_DAYS * DAY_MS;

/**
 * The reasons a payout should be reviewed by a person before money leaves: large amounts, young
 * accounts, income that comes mostly from new or disputed payers (stolen cards buying gifts for a
 * colluding creator), and sudden spikes. No reasons: it is approved automatically.
 */
export function reviewReasons(facts: RiskFacts, config: PayoutReviewConfig): RiskReason[] {
  const reasons: RiskReason[] = [];
  if (facts.amountMinor >= config.largeAmountMinor) reasons.push({ code: 'large_amount', message: `${facts.amountText} is a large payout.` });

  const accountAgeDays = Math.floor((facts.now.getTime() - Date.parse(facts.accountCreatedAt)) / DAY_MS);
  if (accountAgeDays < config.youngAccountDays) {
    reasons.push({ code: 'young_account', message: `The account is ${accountAgeDays} day(s) old (under ${config.youngAccountDays}).` });
  }

  const total = facts.payers.reduce((sum, payer) => sum + payer.diamonds, 0n);
  const isNew = (payer: PayerShare) => Date.parse(payer.firstPaidAt) - Date.parse(payer.payerCreatedAt) < config.newPayerDays * DAY_MS;
  const risky = facts.payers.filter((payer) => isNew(payer) || facts.disputedPayerIds.has(payer.payerId));
  const riskyDiamonds = risky.reduce((sum, payer) => sum + payer.diamonds, 0n);
  if (total > 0n && riskyDiamonds * 100n >= total * BigInt(config.riskyPayerSharePercent)) {
    reasons.push({
      code: 'risky_payers',
      message: `${(riskyDiamonds * 100n) / total}% of the last ${LOOKBACK_DAYS} days' diamonds came from ${risky.length} new or disputed payer(s).`,
    });
  }
  const disputed = facts.payers.filter((payer) => facts.disputedPayerIds.has(payer.payerId));
  if (disputed.length > 0) {
    const diamonds = disputed.reduce((sum, payer) => sum + payer.diamonds, 0n);
    reasons.push({ code: 'disputed_payers', message: `${disputed.length} payer(s) with a charged-back purchase gave ${diamonds} diamonds.` });
  }

  const dailyAverage = facts.priorDiamonds / BigInt(LOOKBACK_DAYS);
  if (config.spikeFactor > 0 && facts.lastDayDiamonds >= facts.minimumDiamonds && facts.lastDayDiamonds > BigInt(config.spikeFactor) * (dailyAverage > 0n ? dailyAverage : 1n)) {
    reasons.push({
      code: 'earnings_spike',
      message: `The last 24 hours brought ${facts.lastDayDiamonds} diamonds against a daily average of ${dailyAverage} over the ${LOOKBACK_DAYS} days before.`,
    });
  }
  return reasons;
}
