import { createPayoutFees, type PayoutFees } from './payouts-fees.js';
import { createPayoutRecords, type PayoutsDependencies } from './payouts-records.js';
import { createPayoutRepair, type PayoutRepair } from './payouts-repair.js';
import { createPayoutRequests, type PayoutRequests } from './payouts-requests.js';
import { createPayoutReview, type PayoutReview } from './payouts-review.js';
import { createPayoutSending, type PayoutSending } from './payouts-sending.js';

export type { PayoutIdentity, PayoutMethod, PayoutStatus } from './payouts-records.js';
export type { AdminPayout, Payout } from './views.js';

/**
 * Creators' payouts: rules, the ledger hold that reserves diamonds, risk review, the payout provider,
 * and settlement. Each step first records the payout's new status and then moves money with an
 * idempotency key of its own, so `repair` can finish any step a crash interrupted.
 */
export interface Payouts extends PayoutRequests, PayoutReview, PayoutSending, PayoutRepair, PayoutFees {}

export function createPayouts(deps: PayoutsDependencies): Payouts {
  const records = createPayoutRecords(deps);
  return {
    ...createPayoutRequests(records),
    ...createPayoutReview(records),
    ...createPayoutSending(records),
    ...createPayoutRepair(records),
    ...createPayoutFees(records),
  };
}
