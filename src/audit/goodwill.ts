import { sql } from 'kysely';
import { rowsOf } from '../db/index.js';
import { transferMetadataField, type AuditCheck } from '../ledger/index.js';

/**
 * The audit's goodwill checks: coins moved for exactly the grants a second admin approved, each once,
 * as its grant says; an approval whose transfer a crash left unmade is reported until the start-up repair makes it.
 */
export const goodwillAuditChecks: AuditCheck[] = [
  {
    name: 'goodwill coins moved once for each approved grant and for nothing else',
    async run(db) {
      const grantId = transferMetadataField(db, 't', 'grantId');
      const transfers = await rowsOf(
        db,
        sql<{ seq: bigint; grant_id: string | null; legs: string; status: string | null; coins: bigint | null; user_id: string | null; approver: string | null; proposer: string | null }>`
          SELECT t.seq, ${grantId} AS grant_id, t.legs, g.status, g.coins, g.user_id, g.decided_by AS approver, g.proposed_by AS proposer
          FROM ledger_transfers t
          LEFT JOIN goodwill_grants g ON g.id = ${grantId}
          WHERE ${transferMetadataField(db, 't', 'kind')} = 'goodwill' AND t.type = 'posted'`,
      );
      const violations: string[] = [];
      const seen = new Map<string, number>();
      for (const transfer of transfers) {
        const name = `goodwill transfer tr_${transfer.seq}`;
        if (transfer.grant_id === null || transfer.status === null) {
          violations.push(`${name} names no goodwill grant`);
          continue;
        }
        seen.set(transfer.grant_id, (seen.get(transfer.grant_id) ?? 0) + 1);
        if (transfer.status !== 'approved') violations.push(`${name} moved coins for grant ${transfer.grant_id}, which is ${transfer.status}`);
        if (transfer.approver === null || transfer.approver === transfer.proposer) violations.push(`${name}: grant ${transfer.grant_id} was not approved by a second admin`);
        const credited = (JSON.parse(transfer.legs) as [string, string, string | number][]).find(([account]) => account === `user:${transfer.user_id}:coin`);
        if (credited === undefined || BigInt(credited[2]) !== transfer.coins) violations.push(`${name} did not credit grant ${transfer.grant_id}'s ${transfer.coins} coins to its user`);
      }
      for (const [grant, count] of seen) if (count > 1) violations.push(`goodwill grant ${grant} moved coins ${count} times`);
      const unmoved = await rowsOf(db, sql<{ id: string }>`SELECT id FROM goodwill_grants WHERE status = 'approved' AND transfer_id IS NULL`);
      for (const grant of unmoved) if (!seen.has(grant.id)) violations.push(`goodwill grant ${grant.id} is approved but its coins have not moved (the start-up repair moves them)`);
      return violations;
    },
  },
];
