import { sql } from 'kysely';
import { rowsOf, transferSeqOf } from '../audit/sql.js';
import type { AuditCheck } from '../ledger/audit.js';

/** The audit's gift checks: every payment the boards count has its ledger transfer. */
export const giftAuditChecks: AuditCheck[] = [
  {
    name: 'every gift has its transfer',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ transfer_id: string }>`
          SELECT g.transfer_id FROM gift_events g
          WHERE NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.seq = ${transferSeqOf('g.transfer_id')} AND t.type = 'posted')`,
      );
      return found.map((gift) => `gift ${gift.transfer_id} is counted on the boards but has no posted transfer`);
    },
  },
];
