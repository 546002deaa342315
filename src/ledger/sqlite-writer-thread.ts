import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/index.js';
import type { Applied } from './batch.js';
import { sqliteLedgerStore } from './store-sqlite.js';
import type { SentOutcome, WriterCall, WriterReply } from './sqlite-writer.js';
import { fromWire, type WireRequest } from './writer-wire.js';

/**
 * The SQLite ledger writer's own thread: it holds a connection of its own to the database file and
 * applies each batch it is sent there, so a commit's fsync never stalls the server's event loop. It
 * handles batches and pauses one after another; while paused (the main thread writing), it holds no lock.
 */
const { filename, clockOffsetMs } = workerData as { filename: string; clockOffsetMs?: Float64Array };
const db = openDatabase(filename);
const store = sqliteLedgerStore(db, clockOffsetMs ? () => Date.now() + clockOffsetMs[0]! : Date.now);
const port = parentPort!;
let turn: Promise<void> = Promise.resolve();
const resumes = new Map<number, () => void>();

function sent(outcome: Applied): SentOutcome {
  return outcome.ok ? outcome : { ok: false, error: { code: outcome.error.code, message: outcome.error.message, details: outcome.error.details } };
}

async function runBatch(id: number, requests: WireRequest[]): Promise<void> {
  try {
    port.postMessage({ id, outcomes: (await store.runBatch(requests.map(fromWire))).map(sent) } satisfies WriterReply);
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    port.postMessage({ id, failure: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } } satisfies WriterReply);
  }
}

function pause(id: number): Promise<void> {
  return new Promise<void>((resume) => {
    resumes.set(id, resume);
    port.postMessage({ id, paused: true } satisfies WriterReply);
  });
}

port.on('message', (call: WriterCall) => {
  if (call.kind === 'resume') {
    resumes.get(call.id)?.();
    resumes.delete(call.id);
    return;
  }
  if (call.kind === 'close') {
    void turn.then(() => db.close()).finally(() => port.close());
    return;
  }
  turn = turn.then(() => (call.kind === 'batch' ? runBatch(call.id, call.requests) : pause(call.id)));
});
