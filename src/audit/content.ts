import { sql } from 'kysely';
import { rowsOf } from '../db/index.js';
import { transferMetadataField, transferSeqOfColumn, userCoinWalletId, type AuditCheck } from '../ledger/index.js';

/**
 * The audit's paid-content checks: every unlock row is its posted transfer (the viewer's coins, for that
 * item), every unlock transfer has its row, and no viewer paid for an item more than once.
 */
export const contentAuditChecks: AuditCheck[] = [
  {
    name: 'every content unlock is its posted transfer',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ transfer_id: string; viewer_id: string; creator_id: string; content_id: string; coins: bigint; type: string | null; legs: string | null; metadata: string | null }>`
          SELECT u.transfer_id, u.viewer_id, u.creator_id, u.content_id, u.coins, t.type, t.legs, t.metadata
          FROM content_unlocks u LEFT JOIN ledger_transfers t ON t.seq = ${transferSeqOfColumn('u.transfer_id')}`,
      );
      return found.flatMap((unlock) => {
        const name = `unlock ${unlock.transfer_id} of ${unlock.creator_id}/${unlock.content_id} by ${unlock.viewer_id}`;
        if (unlock.type !== 'posted') return [`${name} has no posted transfer`];
        const metadata = JSON.parse(unlock.metadata!) as Record<string, unknown>;
        const wallet = userCoinWalletId(unlock.viewer_id);
        const paid = (JSON.parse(unlock.legs!) as [string, string, string][]).filter(([account]) => account === wallet).reduce((sum, [, , amount]) => sum - BigInt(amount), 0n);
        const problems: string[] = [];
        if (metadata.kind !== 'content_unlock' || metadata.senderId !== unlock.viewer_id || metadata.creatorId !== unlock.creator_id || metadata.contentId !== unlock.content_id) {
          problems.push(`${name} is recorded against another viewer or item than its transfer`);
        }
        if (paid !== unlock.coins) problems.push(`${name} records ${unlock.coins} coins but its transfer took ${paid} from the viewer`);
        return problems;
      });
    },
  },
  {
    name: 'every content unlock transfer is recorded',
    async run(db) {
      // A row commits in its transfer's batch; none should be missing, whenever the transfer was made.
      const found = await rowsOf(
        db,
        sql<{ seq: bigint }>`
          SELECT t.seq FROM ledger_transfers t
          WHERE t.idempotency_key >= 'unlock:' AND t.idempotency_key < 'unlock;'
            AND NOT EXISTS (SELECT 1 FROM content_unlocks u WHERE u.transfer_id = ${sql.raw("'tr_' || t.seq")})`,
      );
      return found.map((transfer) => `content unlock transfer tr_${transfer.seq} took coins but has no unlock row`);
    },
  },
  {
    name: 'no viewer paid twice for an item',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ viewer_id: string; creator_id: string; content_id: string; transfers: bigint }>`
          SELECT viewer_id, creator_id, content_id, COUNT(*) AS transfers FROM (
            SELECT ${transferMetadataField(db, 't', 'senderId')} AS viewer_id, ${transferMetadataField(db, 't', 'creatorId')} AS creator_id,
                   ${transferMetadataField(db, 't', 'contentId')} AS content_id
            FROM ledger_transfers t
            WHERE t.type = 'posted' AND ${transferMetadataField(db, 't', 'kind')} = 'content_unlock') unlocks
          GROUP BY viewer_id, creator_id, content_id HAVING COUNT(*) > 1`,
      );
      return found.map((item) => `viewer ${item.viewer_id} paid for ${item.creator_id}/${item.content_id} with ${item.transfers} transfers`);
    },
  },
];
