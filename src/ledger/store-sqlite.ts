import type BetterSqlite3 from 'better-sqlite3';
import { withSqliteConnection, type Database } from '../db/database.js';
import type { BalanceRow, EntryRow, LedgerStore, LedgerTx, TransferRow } from './store.js';

const TRANSFER_COLUMNS = 'id, idempotency_key, request_hash, type, pending_id, reverses_id, force_negative, metadata, created_at';

/**
 * SQLite: one connection, so one write transaction at a time. A batch holds
 * the write lock from its first statement (BEGIN IMMEDIATE); other processes
 * on the same file wait on busy_timeout.
 */
export function sqliteLedgerStore(db: Database): LedgerStore {
  let statements: ReturnType<typeof prepare> | undefined;
  const tx: LedgerTx = {
    async transfersByKeys(keys) {
      return statements!.transfersByKeys.all(JSON.stringify(keys)) as TransferRow[];
    },
    async transfersByIds(ids) {
      return statements!.transfersByIds.all(JSON.stringify(ids)) as TransferRow[];
    },
    async entriesOf(transferIds) {
      return statements!.entriesOf.all(JSON.stringify(transferIds)) as EntryRow[];
    },
    async resolvedPendingIds(pendingIds) {
      return statements!.resolvedPendingIds.all(JSON.stringify(pendingIds)) as string[];
    },
    async reversedIds(transferIds) {
      return statements!.reversedIds.all(JSON.stringify(transferIds)) as string[];
    },
    async lockAccounts(ids) {
      return statements!.accounts.all(JSON.stringify(ids)) as BalanceRow[];
    },
    async insert(transfers, entries) {
      for (const t of transfers) {
        statements!.insertTransfer.run(t.id, t.idempotency_key, t.request_hash, t.type, t.pending_id, t.reverses_id, t.force_negative, t.metadata, t.created_at);
      }
      for (const e of entries) statements!.insertEntry.run(e.transfer_id, e.account_id, e.asset, e.amount);
    },
    async updateBalances(accounts) {
      for (const a of accounts) statements!.updateBalance.run(a.posted, a.pending_debits, a.pending_credits, a.id);
    },
  };
  return {
    maxConcurrentTransactions: 1,
    inWriteTransaction(fn) {
      return withSqliteConnection(db, async (handle) => {
        statements ??= prepare(handle);
        handle.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          handle.exec('COMMIT');
          return result;
        } catch (error) {
          if (handle.inTransaction) handle.exec('ROLLBACK');
          throw error;
        }
      });
    },
    isRetryable(error) {
      const code = (error as { code?: unknown }).code;
      return code === 'SQLITE_BUSY';
    },
  };
}

function prepare(handle: BetterSqlite3.Database) {
  // json_each binds a whole list as one parameter, so each statement is prepared once whatever the batch size.
  const inList = 'IN (SELECT value FROM json_each(?))';
  return {
    transfersByKeys: handle.prepare(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE idempotency_key ${inList}`),
    transfersByIds: handle.prepare(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id ${inList}`),
    entriesOf: handle.prepare(`SELECT transfer_id, account_id, asset, amount FROM ledger_entries WHERE transfer_id ${inList} ORDER BY seq`),
    resolvedPendingIds: handle.prepare(`SELECT pending_id FROM ledger_transfers WHERE pending_id ${inList}`).pluck(),
    reversedIds: handle.prepare(`SELECT reverses_id FROM ledger_transfers WHERE reverses_id ${inList}`).pluck(),
    accounts: handle.prepare(`SELECT id, asset, may_go_negative, posted, pending_debits, pending_credits FROM ledger_accounts WHERE id ${inList}`),
    insertTransfer: handle.prepare(`INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertEntry: handle.prepare('INSERT INTO ledger_entries (transfer_id, account_id, asset, amount) VALUES (?, ?, ?, ?)'),
    updateBalance: handle.prepare('UPDATE ledger_accounts SET posted = ?, pending_debits = ?, pending_credits = ? WHERE id = ?'),
  };
}
