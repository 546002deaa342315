import { sql } from 'kysely';
import { transferSeqOfColumn, type AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/** The audit's gift checks: every payment the boards count has its ledger transfer, and every payment transfer is counted. */
export const giftAuditChecks: AuditCheck[] = [
  {
    name: 'every gift has its transfer',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ transfer_id: string }>`
          SELECT g.transfer_id FROM gift_events g
          WHERE NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.seq = ${transferSeqOfColumn('g.transfer_id')} AND t.type = 'posted')`,
      );
      return found.map((gift) => `gift ${gift.transfer_id} is counted on the boards but has no posted transfer`);
    },
  },
  {
    name: 'every payment transfer is recorded for the boards',
    async run(db) {
      // Payment keys start with `gift:` (a range on the key's unique index); the start-up repair writes missing rows.
      // A row is written just after its transfer commits, so the last minute's payments are left out on a running server.
      const settled = new Date(Date.now() - 60_000).toISOString();
      const found = await rowsOf(
        db,
        sql<{ seq: bigint }>`
          SELECT t.seq FROM ledger_transfers t
          WHERE t.idempotency_key >= 'gift:' AND t.idempotency_key < 'gift;' AND t.created_at < ${settled}
            AND NOT EXISTS (SELECT 1 FROM gift_events g WHERE g.transfer_id = ${sql.raw("'tr_' || t.seq")})`,
      );
      return found.map((transfer) => `payment tr_${transfer.seq} moved coins but is not recorded for the boards`);
    },
  },
];
