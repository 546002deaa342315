import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database.js';
import type { Outcome } from './batch.js';
import type { NormalizedRequest } from './requests.js';
import { sqliteLedgerStore } from './store-sqlite.js';
import type { BatchReply, BatchCall, SentOutcome } from './sqlite-writer.js';

/**
 * The SQLite ledger writer's own thread: it holds a connection of its own to the database file and
 * applies each batch it is sent there, so a commit's fsync never stalls the server's event loop.
 */
const db = openDatabase((workerData as { filename: string }).filename);
const store = sqliteLedgerStore(db);
const port = parentPort!;

function sent(outcome: Outcome): SentOutcome {
  return outcome.ok ? outcome : { ok: false, error: { code: outcome.error.code, message: outcome.error.message, details: outcome.error.details } };
}

port.on('message', (call: BatchCall | 'close') => {
  if (call === 'close') {
    void db.close().finally(() => port.close());
    return;
  }
  store.runBatch(call.requests as NormalizedRequest[]).then(
    (result) => port.postMessage({ id: call.id, outcomes: result.outcomes.map(sent), outbox: result.outbox } satisfies BatchReply),
    (error: unknown) => {
      const { message, code } = error as { message?: string; code?: unknown };
      port.postMessage({ id: call.id, failure: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } } satisfies BatchReply);
    },
  );
});
