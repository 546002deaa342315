import { sql } from 'kysely';
import type { AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/**
 * The audit's checks of battles: score is never money, it is derived from the gifts' transfers. Each side's
 * score equals the scores of the gifts tagged to it; each tag is its gift's coins times the multiplier it
 * recorded; a recorded result is the sides' scores. A chargeback takes diamonds back but changes none of these.
 */
export const battleAuditChecks: AuditCheck[] = [
  {
    name: "every battle side's score equals the coins of the gifts tagged to it times their multipliers",
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ battle_id: string; side: string; score: bigint; tagged: bigint | null }>`SELECT s.battle_id, s.side, s.score, t.score AS tagged FROM battle_scores s
            LEFT JOIN (SELECT battle_id, side, SUM(score) AS score FROM battle_gifts GROUP BY battle_id, side) t ON t.battle_id = s.battle_id AND t.side = s.side
            WHERE s.score <> COALESCE(t.score, 0)`,
      );
      return found.map((row) => `battle ${row.battle_id} side ${row.side} scores ${row.score} but its tagged gifts add up to ${row.tagged ?? 0}`);
    },
  },
  {
    name: "every battle gift's score is its payment's coins times its multiplier",
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{
          transfer_id: string;
          coins: bigint;
          paid: bigint | null;
          score: bigint;
          multiplier: bigint;
        }>`SELECT b.transfer_id, b.coins, g.coins AS paid, b.score, b.multiplier FROM battle_gifts b LEFT JOIN gift_events g ON g.transfer_id = b.transfer_id
            WHERE g.coins IS NULL OR g.coins <> b.coins OR b.score <> b.coins * b.multiplier OR b.multiplier < 1`,
      );
      return found.map((row) => `battle gift ${row.transfer_id} counts ${row.coins} coins × ${row.multiplier} = ${row.score}, but its payment was ${row.paid ?? 'not found'}`);
    },
  },
  {
    name: "every battle's recorded result is its sides' scores",
    async run(db) {
      const found = await rowsOf(
        db,
        sql<{ id: string; winner: string }>`SELECT b.id, b.winner FROM battles b
            JOIN battle_scores sa ON sa.battle_id = b.id AND sa.side = 'a' JOIN battle_scores sb ON sb.battle_id = b.id AND sb.side = 'b'
            WHERE b.winner IS NOT NULL AND (b.score_a <> sa.score OR b.score_b <> sb.score
              OR b.winner <> CASE WHEN sa.score = sb.score THEN 'tie' WHEN sa.score > sb.score THEN 'a' ELSE 'b' END)`,
      );
      return found.map((row) => `battle ${row.id} recorded ${row.winner} but its sides' scores say otherwise`);
    },
  },
];
