import { sql } from 'kysely';
import { transferMetadataField, transferSeqOfColumn, type AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/** What the ledger must show of a payout's hold in each status. */
const EXPECTED: Record<string, { resolution: string | null; reversed: boolean }> = {
  reserving: { resolution: null, reversed: false },
  in_review: { resolution: null, reversed: false },
  approved: { resolution: null, reversed: false },
  processing: { resolution: null, reversed: false },
  paid: { resolution: 'post_pending', reversed: false },
  returned: { resolution: 'post_pending', reversed: true },
  failed: { resolution: 'void_pending', reversed: false },
  rejected: { resolution: 'void_pending', reversed: false },
};

/** The audit's payout checks: every hold is settled as its payout's status says, or still open; no hold without its payout. */
export const payoutAuditChecks: AuditCheck[] = [
  {
    name: 'every payout hold is open or settled as its payout says',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ id: string; status: string; hold_type: string | null; resolution: string | null; reversals: bigint }>`
          SELECT p.id, p.status, h.type AS hold_type, r.type AS resolution,
                 (SELECT COUNT(*) FROM ledger_transfers v WHERE v.type = 'reversal' AND v.reverses_seq = r.seq) AS reversals
          FROM payouts p
          LEFT JOIN ledger_transfers h ON h.seq = ${transferSeqOfColumn('p.hold_transfer_id')}
          LEFT JOIN ledger_transfers r ON r.pending_seq = h.seq
          WHERE p.hold_transfer_id IS NOT NULL`,
      );
      return found.flatMap((payout) => {
        const expected = EXPECTED[payout.status];
        if (payout.hold_type !== 'pending') return [`payout ${payout.id} names a hold that is not a pending transfer`];
        if (!expected) return [`payout ${payout.id} has an unknown status ${payout.status}`];
        const reversed = Number(payout.reversals) > 0;
        if (payout.resolution === expected.resolution && reversed === expected.reversed) return [];
        const shows = payout.resolution === null ? 'still open' : `${payout.resolution === 'post_pending' ? 'posted' : 'voided'}${reversed ? ' and reversed' : ''}`;
        return [`payout ${payout.id} is ${payout.status} but its hold is ${shows}`];
      });
    },
  },
  {
    name: 'every payout hold belongs to a payout',
    async run(db) {
      const payoutId = transferMetadataField(db, 't', 'payoutId');
      const found = await rowsOf(
        db,
        sql<{ seq: bigint; payout_id: string | null }>`
          SELECT t.seq, ${payoutId} AS payout_id FROM ledger_transfers t
          WHERE t.type = 'pending' AND ${transferMetadataField(db, 't', 'kind')} = 'payout_hold'
            AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.id = ${payoutId} AND p.hold_transfer_id = ${sql.raw("'tr_' || t.seq")})
            -- Still reserving: the request names its hold next, or (its process gone) the repair does once it is stale.
            AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.id = ${payoutId} AND p.status = 'reserving')
            AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_seq = t.seq AND r.type = 'void_pending')`,
      );
      return found.map((hold) => `hold tr_${hold.seq} reserves diamonds for payout ${hold.payout_id}, which does not name it`);
    },
  },
  {
    name: "every charged-back (or provider-refunded) order's gifts were traced",
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ id: string }>`
          SELECT o.id FROM orders o
          WHERE o.clawback_transfer_id IS NOT NULL AND o.credit_transfer_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM gift_clawbacks g WHERE g.order_id = o.id)`,
      );
      return found.map((order) => `order ${order.id} was charged back or refunded at the provider but the gifts its coins paid for were not traced`);
    },
  },
];
