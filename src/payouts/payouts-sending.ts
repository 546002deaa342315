import type { TransferRequest } from '../ledger/index.js';
import type { PayoutRecords, PayoutRow } from './payouts-records.js';
import type { PayoutProviderEvent, ProviderPayoutResult } from './provider.js';

/** What the payout provider reports of the payouts it was sent. */
export interface PayoutSending {
  /** A provider's report of a payout, such as a return days after it was paid. */
  handleProviderEvent(event: PayoutProviderEvent): Promise<void>;
  /** The payout a provider's reference names, for providers whose events name only their own reference. */
  payoutIdByReference(providerName: string, reference: string): Promise<string | undefined>;
}

/** The payout's webhook event, committed with the ledger transfer that settles it. */
async function webhookOutbox(records: PayoutRecords, id: string, event: 'payout.paid' | 'payout.failed' | 'payout.rejected' | 'payout.returned') {
  const payout = await records.view(id);
  const { timeline: _timeline, ...data } = payout;
  const owner = await records.row(id);
  return [{ topic: 'webhook', payload: { event, data: { ...data, creatorId: owner!.user_id } } }];
}

/** Submits a settling transfer; a replay of one already committed answers it. */
async function settleInLedger(records: PayoutRecords, request: TransferRequest): Promise<string> {
  return (await records.deps.ledger.submit(request)).id;
}

/**
 * Finishes what a payout's status promises the ledger: a paid payout's hold posted, a failed or
 * rejected one's voided, a returned one's reversed. Idempotent; `repair` calls it for any left
 * unfinished.
 */
export async function settle(records: PayoutRecords, payout: PayoutRow): Promise<void> {
  const kysely = records.deps.db.kysely;
  if (payout.hold_transfer_id === null) return;
  const metadata = { payoutId: payout.id, userId: payout.user_id };
  if (payout.status === 'paid' || payout.status === 'returned') {
    if (payout.settle_transfer_id === null) {
      const id = await settleInLedger(records, {
        type: 'post_pending',
        pendingId: payout.hold_transfer_id,
        idempotencyKey: `payout_paid:${payout.id}`,
        metadata: { kind: 'payout_paid', ...metadata },
        outbox: await webhookOutbox(records, payout.id, 'payout.paid'),
      });
      await kysely.updateTable('payouts').set({ settle_transfer_id: id }).where('id', '=', payout.id).execute();
      payout = { ...payout, settle_transfer_id: id };
    }
    if (payout.status === 'returned' && payout.return_transfer_id === null) {
      const id = await settleInLedger(records, {
        type: 'reversal',
        transferId: payout.settle_transfer_id!,
        idempotencyKey: `payout_return:${payout.id}`,
        metadata: { kind: 'payout_return', ...metadata },
        outbox: await webhookOutbox(records, payout.id, 'payout.returned'),
      });
      await kysely.updateTable('payouts').set({ return_transfer_id: id }).where('id', '=', payout.id).execute();
    }
    return;
  }
  if ((payout.status === 'failed' || payout.status === 'rejected') && payout.settle_transfer_id === null) {
    const id = await settleInLedger(records, {
      type: 'void_pending',
      pendingId: payout.hold_transfer_id,
      idempotencyKey: `payout_release:${payout.id}`,
      metadata: { kind: 'payout_released', ...metadata },
      outbox: await webhookOutbox(records, payout.id, payout.status === 'failed' ? 'payout.failed' : 'payout.rejected'),
    });
    await kysely.updateTable('payouts').set({ settle_transfer_id: id }).where('id', '=', payout.id).execute();
  }
}

/** Sends an approved payout to the provider and settles what it answers. */
export async function dispatch(records: PayoutRecords, id: string): Promise<void> {
  const { db, identity, provider } = records.deps;
  const { row, transition } = records;
  const payout = await row(id);
  if (!payout || !['approved', 'processing'].includes(payout.status)) return;
  const method = await identity.payoutMethod(payout.user_id, payout.method_id);
  if (payout.status === 'approved' && !(await transition(id, ['approved'], 'processing', `Sent to ${payout.method_label}.`))) return;
  if (!method) {
    if (await transition(id, ['processing'], 'failed', null, { reason: 'The payout method was removed before the money was sent.' })) await settle(records, (await row(id))!);
    return;
  }
  let result: ProviderPayoutResult;
  try {
    result = await provider.send({
      payoutId: id,
      amountMinor: payout.received_minor ?? payout.amount_minor,
      currency: payout.received_currency ?? payout.currency,
      sourceCurrency: payout.currency,
      destination: method,
    });
  } catch (error) {
    // The provider did not answer (down, or out of reach): the payout stays processing and the repair sweep sends it again.
    records.deps.logger.warn({ err: error, payoutId: id }, 'payout provider did not answer; sending again later');
    return;
  }
  // The reference is recorded with the outcome, so a payout still processing with a reference is one the provider took on.
  const reference = { provider_reference: result.reference };
  if (result.status === 'processing') await db.kysely.updateTable('payouts').set(reference).where('id', '=', id).execute();
  if (result.status === 'paid') await finish(records, id, { payoutId: id, type: 'paid' }, reference);
  if (result.status === 'failed') await finish(records, id, { payoutId: id, type: 'failed', reason: result.reason }, reference);
}

/** Applies what the provider reported of a payout; `extra` is recorded with the new status. */
async function finish(records: PayoutRecords, id: string, event: PayoutProviderEvent, extra: Partial<PayoutRow> = {}): Promise<void> {
  const { row, transition } = records;
  const returned = { ...extra, reason: event.reason ?? 'The receiving bank sent the money back.' };
  const moved =
    event.type === 'paid'
      ? await transition(id, ['processing'], 'paid', 'The money was sent.', extra)
      : event.type === 'failed'
        ? await transition(id, ['processing'], 'failed', null, { ...extra, reason: event.reason ?? 'The payout provider could not send the money.' })
        : // Money sent back before the provider reported the payout paid never arrived: that payout failed.
          (await transition(id, ['paid'], 'returned', null, returned)) || (await transition(id, ['processing'], 'failed', null, returned));
  if (moved) await settle(records, (await row(id))!);
}

/** Asks the provider how a payout it took on stands, and applies an outcome its events have not brought (a lost webhook). */
export async function checkWithProvider(records: PayoutRecords, payout: PayoutRow): Promise<void> {
  const { provider } = records.deps;
  if (!provider.status || payout.provider_reference === null) return;
  const result = await provider.status(payout.provider_reference);
  if (result?.status === 'paid') await finish(records, payout.id, { payoutId: payout.id, type: 'paid' });
  if (result?.status === 'failed') await finish(records, payout.id, { payoutId: payout.id, type: 'failed', reason: result.reason });
}

/** Listens to the provider's events from the start: a payout's outcome may be reported at any time. */
export function createPayoutSending(records: PayoutRecords): PayoutSending {
  const { db, provider } = records.deps;
  provider.onEvent((event) => finish(records, event.payoutId, event));
  return {
    handleProviderEvent: (event) => finish(records, event.payoutId, event),

    async payoutIdByReference(providerName, reference) {
      const found = await db.kysely.selectFrom('payouts').select('id').where('provider', '=', providerName).where('provider_reference', '=', reference).executeTakeFirst();
      return found?.id;
    },
  };
}
