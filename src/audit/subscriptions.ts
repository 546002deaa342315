import { sql } from 'kysely';
import { rowsOf } from '../db/index.js';
import { transferMetadataField, transferSeqOfColumn, userCoinWalletId, type AuditCheck } from '../ledger/index.js';

/**
 * The audit's subscription checks: every payment row is its transfer (the payer's coins, for that
 * subscription and period, or for that gift), every subscription transfer has its row, no period was paid twice, and every
 * subscription giving access has the one payment of its current period.
 */
export const subscriptionAuditChecks: AuditCheck[] = [
  {
    name: 'every subscription payment is its posted transfer',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{
          transfer_id: string;
          payer_id: string;
          subscription_id: string;
          gift_id: string | null;
          period_index: bigint;
          coins: bigint;
          type: string | null;
          legs: string | null;
          metadata: string | null;
        }>`
          SELECT p.transfer_id, p.payer_id, p.subscription_id, p.gift_id, p.period_index, p.coins, t.type, t.legs, t.metadata
          FROM subscription_payments p LEFT JOIN ledger_transfers t ON t.seq = ${transferSeqOfColumn('p.transfer_id')}
          ORDER BY p.transfer_id`,
      );
      // A transfer pays one row, or a gift's rows: their coins together are what it took from the payer.
      const byTransfer = new Map<string, typeof found>();
      for (const payment of found) byTransfer.set(payment.transfer_id, [...(byTransfer.get(payment.transfer_id) ?? []), payment]);
      return [...byTransfer].flatMap(([transferId, payments]) => {
        const first = payments[0]!;
        const name = `subscription payment ${transferId} (${first.gift_id === null ? `${first.subscription_id}, period ${first.period_index}` : `gift ${first.gift_id}`})`;
        if (first.type !== 'posted') return [`${name} has no posted transfer`];
        const metadata = JSON.parse(first.metadata!) as Record<string, unknown>;
        const wallet = userCoinWalletId(first.payer_id);
        const paid = (JSON.parse(first.legs!) as [string, string, string][]).filter(([account]) => account === wallet).reduce((sum, [, , amount]) => sum - BigInt(amount), 0n);
        const recorded = payments.reduce((sum, payment) => sum + payment.coins, 0n);
        const problems: string[] = [];
        const matches =
          first.gift_id === null
            ? payments.length === 1 && metadata.subscriptionId === first.subscription_id && BigInt(metadata.periodIndex as number) === first.period_index
            : payments.every((payment) => payment.gift_id === metadata.giftId);
        if (!matches) problems.push(`${name} is recorded against another subscription, period or gift than its transfer`);
        if (paid !== recorded) problems.push(`${name} records ${recorded} coins but its transfer took ${paid} from the payer`);
        return problems;
      });
    },
  },
  {
    name: 'every subscription transfer is recorded',
    async run(db) {
      // A row commits in its transfer's batch; none should be missing, whenever the transfer was made.
      const found = await rowsOf(
        db,
        sql<{ seq: bigint }>`
          SELECT t.seq FROM ledger_transfers t
          WHERE t.idempotency_key >= 'sub:' AND t.idempotency_key < 'sub;'
            AND NOT EXISTS (SELECT 1 FROM subscription_payments p WHERE p.transfer_id = ${sql.raw("'tr_' || t.seq")})`,
      );
      return found.map((transfer) => `subscription transfer tr_${transfer.seq} took coins but has no payment row`);
    },
  },
  {
    name: 'no subscription period was paid twice',
    async run(db) {
      const subscriptionId = transferMetadataField(db, 't', 'subscriptionId');
      const periodIndex = transferMetadataField(db, 't', 'periodIndex');
      const found = await rowsOf(
        db,
        sql<{ subscription_id: string; period_index: string; transfers: bigint }>`
          SELECT subscription_id, period_index, COUNT(*) AS transfers FROM (
            SELECT ${subscriptionId} AS subscription_id, ${periodIndex} AS period_index FROM ledger_transfers t
            WHERE t.type = 'posted' AND t.idempotency_key >= 'sub:' AND t.idempotency_key < 'sub;'
              AND ${transferMetadataField(db, 't', 'kind')} = 'subscription' AND ${transferMetadataField(db, 't', 'payment')} = 'period') months
          GROUP BY subscription_id, period_index HAVING COUNT(*) > 1`,
      );
      return found.map((period) => `subscription ${period.subscription_id} period ${period.period_index} was paid by ${period.transfers} transfers`);
    },
  },
  {
    name: 'every subscription with access has its current period paid',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ id: string; period_index: bigint; current_period_end: string | null }>`
          SELECT s.id, s.period_index, s.current_period_end FROM subscriptions s
          WHERE s.status IN ('active', 'past_due')
            AND NOT EXISTS (
              SELECT 1 FROM subscription_payments p
              WHERE p.subscription_id = s.id AND p.kind = 'period' AND p.period_index = s.period_index AND p.period_end = s.current_period_end)`,
      );
      return found.map((subscription) => `subscription ${subscription.id} gives access through ${subscription.current_period_end} but period ${subscription.period_index} has no payment`);
    },
  },
];
