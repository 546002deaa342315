import type { PayerShare } from '../gifts/index.js';
import { userDiamondWalletId } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { safeNumber } from '../shared/integers.js';
import type { PayoutRecords, PayoutStatus } from './payouts-records.js';
import type { AdminPayout } from './views.js';
import { dispatch, settle } from './payouts-sending.js';
import type { RiskReason } from './risk.js';

/** A creator's risk picture for admins. */
export interface RiskPicture {
  creator: { id: string; handle: string; displayName: string; createdAt: string };
  reasons: RiskReason[];
  payers: (Omit<PayerShare, 'diamonds'> & { diamonds: number; disputed: boolean })[];
}

/** Admins' review of payouts, and holding a creator's payouts while a payment behind them is in doubt. */
export interface PayoutReview {
  /** Payouts for admins, oldest first, by status (in_review is the review queue) and creator. */
  listForAdmin(filter: { status?: PayoutStatus; userId?: string; limit: number }): Promise<AdminPayout[]>;
  /** Any payout, as admins review it. */
  getForAdmin(id: string): Promise<AdminPayout>;
  /** An admin lets a payout in review go to the provider. Refused while clawed-back diamonds leave the creator's wallet short. */
  approve(id: string, adminId: string, note: string): Promise<AdminPayout>;
  /** An admin refuses a payout in review; its diamonds go back to the creator, who sees the reason. */
  reject(id: string, adminId: string, reason: string): Promise<AdminPayout>;
  /** Sends a creator's payouts that have not reached the provider back to review, with the reason; answers their ids. */
  holdForReview(userId: string, reason: RiskReason): Promise<string[]>;
  /** Diamonds reserved by a creator's payouts that can still be held (not yet at the provider). */
  holdableDiamonds(userId: string): Promise<bigint>;
  /** A creator's risk picture for admins: who pays them, and what review would flag for a payout of the minimum now. */
  riskPicture(userId: string): Promise<RiskPicture>;
}

export function createPayoutReview(records: PayoutRecords): PayoutReview {
  const { db, ledger, config } = records.deps;
  const { requireRow, transition } = records;
  const kysely = db.kysely;

  async function getForAdmin(id: string): Promise<AdminPayout> {
    const [payout] = await records.adminViews([await requireRow(id)]);
    return payout!;
  }

  return {
    async listForAdmin(filter) {
      let query = kysely.selectFrom('payouts').selectAll().where('status', '<>', 'reserving');
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      return records.adminViews(await query.orderBy('created_at').orderBy('id').limit(filter.limit).execute());
    },

    getForAdmin,

    async approve(id, adminId, note) {
      const payout = await requireRow(id);
      if (payout.status !== 'in_review') throw DomainError.conflict('payout_not_in_review', `This payout is ${payout.status}; only payouts in review can be approved.`);
      const wallet = await ledger.getAccount(userDiamondWalletId(payout.user_id));
      if (wallet && wallet.available < 0n) {
        throw DomainError.conflict(
          'clawback_shortfall',
          `Chargebacks took back diamonds this payout holds: the creator's wallet is ${-wallet.available} diamonds short. Reject this payout; the creator can request one for what remains.`,
        );
      }
      if (!(await transition(id, ['in_review'], 'approved', note.trim(), { reviewed_by: adminId }))) {
        throw DomainError.conflict('payout_not_in_review', 'This payout was decided by someone else just now.');
      }
      await dispatch(records, id);
      return getForAdmin(id);
    },

    async reject(id, adminId, reason) {
      const payout = await requireRow(id);
      if (!(await transition(id, ['in_review'], 'rejected', null, { reviewed_by: adminId, reason }))) {
        throw DomainError.conflict('payout_not_in_review', `This payout is ${payout.status}; only payouts in review can be rejected.`);
      }
      await settle(records, (await records.row(id))!);
      return getForAdmin(id);
    },

    async holdForReview(userId, reason) {
      const open = await kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('status', 'in', ['in_review', 'approved']).execute();
      const held: string[] = [];
      for (const payout of open) {
        const reasons = [...(JSON.parse(payout.risk_reasons) as RiskReason[]).filter((each) => each.code !== reason.code), reason];
        if (await transition(payout.id, ['in_review', 'approved'], 'in_review', 'On hold while our team reviews a payment behind these diamonds.', { risk_reasons: JSON.stringify(reasons) })) {
          held.push(payout.id);
        }
      }
      return held;
    },

    async holdableDiamonds(userId) {
      const found = await kysely
        .selectFrom('payouts')
        .select((eb) => eb.fn.sum<bigint | null>('diamonds').as('diamonds'))
        .where('user_id', '=', userId)
        .where('status', 'in', ['in_review', 'approved'])
        .executeTakeFirst();
      return BigInt(found?.diamonds ?? 0);
    },

    async riskPicture(userId) {
      const minimum = records.deps.cashValue(config.minimumDiamonds);
      const { user, payers, disputedPayerIds, reasons } = await records.assess(userId, minimum.amount, minimum.currency);
      return {
        creator: { id: user.id, handle: user.handle, displayName: user.displayName, createdAt: user.createdAt },
        reasons: reasons.filter((reason) => reason.code !== 'large_amount'),
        payers: payers.map((payer) => ({ ...payer, diamonds: safeNumber(payer.diamonds), disputed: disputedPayerIds.has(payer.payerId) })),
      };
    },
  };
}
