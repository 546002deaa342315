import { sql } from 'kysely';
import type { AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/** The audit's account checks: a closed account gave up everything it held. */
export const accountAuditChecks: AuditCheck[] = [
  {
    name: "every closed account's balances were forfeited",
    async run(db) {
      // Wallets are found by owner: the ledger keys them by user and asset kind.
      const found = await rowsOf(
        db,
        sql<{ id: string; closure_transfer_id: string | null; account_id: string | null; available: bigint | string | null }>`
          SELECT u.id, u.closure_transfer_id, a.id AS account_id, a.posted - a.pending_debits AS available
          FROM users u
          LEFT JOIN ledger_accounts a ON a.owner_id = u.id AND a.kind IN ('user_coin', 'user_diamond') AND a.posted - a.pending_debits > 0
          WHERE u.closed_at IS NOT NULL AND (u.closure_transfer_id IS NULL OR a.id IS NOT NULL)
          ORDER BY u.id`,
      );
      return found.map((row) =>
        row.closure_transfer_id === null
          ? `account ${row.id} is closed but its forfeit was never made`
          : `account ${row.id} is closed but ${row.account_id} still holds ${String(row.available)} available`,
      );
    },
  },
];
