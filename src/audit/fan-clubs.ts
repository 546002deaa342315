import { sql } from 'kysely';
import type { AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/** Coins paid to each creator by each sender per UTC day, from the payments' records, less those clawed back (they left the fan's points with the clawback). */
const paidByDay = sql`SELECT creator_id, sender_id AS fan_id, substr(sent_at, 1, 10) AS day, SUM(coins - clawed_back_coins) AS coins FROM gift_events GROUP BY creator_id, sender_id, substr(sent_at, 1, 10)`;

/**
 * The audit's checks of fan clubs: fan levels come from the coins counted in members' days, which must
 * be the coins they paid the creator less those clawed back. On the day a viewer joined, only what they
 * paid from the joining gift on counts, so that day may count less than the day's payments, never more.
 */
export const fanClubAuditChecks: AuditCheck[] = [
  {
    name: 'every fan club member joined with a payment of the club’s gift',
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ creator_id: string; fan_id: string; join_gifts: bigint; gifts: bigint | null }>`SELECT m.creator_id, m.fan_id, m.join_gifts, g.gifts FROM fan_club_members m
          LEFT JOIN (SELECT creator_id, sender_id, COUNT(*) AS gifts FROM gift_events WHERE kind = 'gift' GROUP BY creator_id, sender_id) g ON g.creator_id = m.creator_id AND g.sender_id = m.fan_id
          WHERE m.join_gifts < 1 OR g.gifts IS NULL OR g.gifts < m.join_gifts`,
      );
      return found.map((row) => `fan ${row.fan_id} of creator ${row.creator_id} counts ${row.join_gifts} joining gifts but sent ${row.gifts ?? 0} gifts`);
    },
  },
  {
    name: "every fan's counted coins equal their payments to the creator since joining, less clawbacks",
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{
          creator_id: string;
          fan_id: string;
          day: string;
          counted: bigint | null;
          paid: bigint | null;
        }>`WITH paid AS (${paidByDay}), joined AS (SELECT creator_id, fan_id, MIN(day) AS day FROM fan_club_days GROUP BY creator_id, fan_id)
          SELECT d.creator_id, d.fan_id, d.day, d.coins AS counted, p.coins AS paid FROM fan_club_days d
            JOIN joined j ON j.creator_id = d.creator_id AND j.fan_id = d.fan_id
            LEFT JOIN paid p ON p.creator_id = d.creator_id AND p.fan_id = d.fan_id AND p.day = d.day
            WHERE d.coins > COALESCE(p.coins, 0) OR (d.day > j.day AND d.coins < COALESCE(p.coins, 0))
          UNION ALL
          SELECT p.creator_id, p.fan_id, p.day, NULL AS counted, p.coins AS paid FROM paid p
            JOIN joined j ON j.creator_id = p.creator_id AND j.fan_id = p.fan_id AND p.day > j.day
            LEFT JOIN fan_club_days d ON d.creator_id = p.creator_id AND d.fan_id = p.fan_id AND d.day = p.day
            WHERE d.day IS NULL`,
      );
      return found.map((row) => `fan ${row.fan_id} of creator ${row.creator_id} has ${row.counted ?? 0} coins counted on ${row.day} but paid ${row.paid ?? 0} not clawed back`);
    },
  },
];
