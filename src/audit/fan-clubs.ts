import { sql } from 'kysely';
import { transferSeqOfColumn, type AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/**
 * The audit's checks of fan clubs. A member's fan coins are all they paid the creator (the rankings' all-time
 * row, which the status checks hold to the payments) less what they paid before joining, which their join
 * keeps: that must be the coins of their payments to the creator before the joining one, less clawbacks.
 */
export const fanClubAuditChecks: AuditCheck[] = [
  {
    name: 'every fan club member joined with a payment of a gift to the creator, recorded once',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{
          creator_id: string;
          fan_id: string;
          join_gifts: bigint | null;
          gifts: bigint | null;
          joined: string | null;
        }>`SELECT m.creator_id, m.fan_id, m.join_gifts, g.gifts, j.fan_id AS joined FROM fan_club_members m
          LEFT JOIN (SELECT creator_id, sender_id, COUNT(*) AS gifts FROM gift_events WHERE kind = 'gift' GROUP BY creator_id, sender_id) g ON g.creator_id = m.creator_id AND g.sender_id = m.fan_id
          LEFT JOIN fan_club_joins j ON j.creator_id = m.creator_id AND j.fan_id = m.fan_id
          WHERE m.join_gifts < 1 OR g.gifts IS NULL OR g.gifts < m.join_gifts OR j.fan_id IS NULL
          UNION ALL
          SELECT j.creator_id, j.fan_id, NULL, NULL, j.fan_id FROM fan_club_joins j
          LEFT JOIN fan_club_members m ON m.creator_id = j.creator_id AND m.fan_id = j.fan_id
          LEFT JOIN gift_events e ON e.transfer_id = j.transfer_id AND e.kind = 'gift' AND e.creator_id = j.creator_id AND e.sender_id = j.fan_id
          WHERE m.fan_id IS NULL OR (j.transfer_id IS NOT NULL AND e.transfer_id IS NULL)`,
      );
      return found.map((row) =>
        row.join_gifts === null
          ? `fan ${row.fan_id} of creator ${row.creator_id} has a join that no member or gift of theirs to the creator backs`
          : row.joined === null
            ? `fan ${row.fan_id} of creator ${row.creator_id} is a member without a recorded join`
            : `fan ${row.fan_id} of creator ${row.creator_id} counts ${row.join_gifts} joining gifts but sent ${row.gifts ?? 0} gifts`,
      );
    },
  },
  {
    name: "every fan's coins paid before joining equal their payments to the creator before the joining one, less clawbacks",
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ creator_id: string; fan_id: string; kept: bigint; paid: bigint }>`SELECT creator_id, fan_id, kept, paid FROM (SELECT j.creator_id, j.fan_id, j.coins_before_join AS kept,
            (SELECT COALESCE(SUM(e.coins - e.clawed_back_coins), 0) FROM gift_events e WHERE e.creator_id = j.creator_id AND e.sender_id = j.fan_id
              AND ${transferSeqOfColumn('e.transfer_id')} < ${transferSeqOfColumn('j.transfer_id')}) AS paid
          FROM fan_club_joins j WHERE j.transfer_id IS NOT NULL) joins WHERE kept <> paid`,
      );
      return found.map((row) => `fan ${row.fan_id} of creator ${row.creator_id} has ${row.kept} coins kept as paid before joining but paid ${row.paid} not clawed back`);
    },
  },
];
