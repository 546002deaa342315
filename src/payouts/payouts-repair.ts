import { DomainError } from '../shared/errors.js';
import type { PayoutRecords } from './payouts-records.js';
import { reserve } from './payouts-requests.js';
import { checkWithProvider, dispatch, settle } from './payouts-sending.js';

/** Finishing payouts a crash or an unanswered provider left part-way. */
export interface PayoutRepair {
  /** Drives on payouts left part-way, and answers how many it touched. */
  repair(): Promise<number>;
}

/** A payout this long in an in-between state was left there by a crash or a provider that did not answer. */
const STALE_MS = 60_000;
/** A payout the provider took on and has not reported for this long is looked up at the provider, when it can be. */
const UNREPORTED_MS = 10 * 60_000;

export function createPayoutRepair(records: PayoutRecords): PayoutRepair {
  const { db, now } = records.deps;
  return {
    /**
     * Reserves or drops requests left reserving, settles decided ones, and sends approved ones, and
     * processing ones the provider has not taken on, again (the provider pays a payout id once). A
     * payout the provider took on waits for its events; a provider that can be asked (PayPal) is asked
     * about those it has not reported for UNREPORTED_MS, in case a webhook was lost.
     */
    async repair() {
      const staleBefore = new Date(now().getTime() - STALE_MS).toISOString();
      const unreportedBefore = new Date(now().getTime() - UNREPORTED_MS).toISOString();
      const canLookUp = records.deps.provider.status !== undefined;
      const stale = await db.kysely
        .selectFrom('payouts')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', 'in', ['reserving', 'approved']), eb('updated_at', '<', staleBefore)]),
            eb.and([eb('status', '=', 'processing'), eb('provider_reference', 'is', null), eb('updated_at', '<', staleBefore)]),
            eb.and([eb('status', 'in', ['paid', 'failed', 'rejected', 'returned']), eb('settle_transfer_id', 'is', null), eb('hold_transfer_id', 'is not', null)]),
            eb.and([eb('status', '=', 'returned'), eb('return_transfer_id', 'is', null)]),
            ...(canLookUp ? [eb.and([eb('status', '=', 'processing'), eb('provider_reference', 'is not', null), eb('updated_at', '<', unreportedBefore)])] : []),
          ]),
        )
        .limit(100)
        .execute();
      for (const payout of stale) {
        try {
          if (payout.status === 'reserving') await reserve(records, payout);
          else if (payout.status === 'processing' && payout.provider_reference !== null) await checkWithProvider(records, payout);
          else if (payout.status === 'approved' || payout.status === 'processing') await dispatch(records, payout.id);
          else await settle(records, payout);
        } catch (error) {
          // A refused hold has already removed the request; anything else is tried again next time.
          if (!(error instanceof DomainError)) records.deps.logger.warn({ err: error, payoutId: payout.id }, 'payout repair failed; retrying later');
        }
      }
      return stale.length;
    },
  };
}
