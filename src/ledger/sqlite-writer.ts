import { Worker } from 'node:worker_threads';
import { setWriteGate, type Database } from '../db/index.js';
import type { Applied, CommittedTransfer } from './batch.js';
import { LedgerError, type LedgerErrorCode } from './errors.js';
import type { LedgerStore } from './store.js';
import { toWire, type WireRequest } from './writer-wire.js';

/** What the writer thread is asked: a batch to apply, to pause (and later resume) while the main thread writes, or to close. */
export type WriterCall = { kind: 'batch'; id: number; requests: WireRequest[] } | { kind: 'pause' | 'resume'; id: number } | { kind: 'close' };

/** An outcome as it crosses threads: a transfer as what its request does not say, a refusal as its fields (it would lose its class on the way). */
export type SentOutcome = { ok: true; committed: CommittedTransfer } | { ok: false; error: { code: LedgerErrorCode; message: string; details: Record<string, unknown> } };

/** The writer thread's answer: a batch's outcomes, the database failure that rolled it back, or that it paused. */
export type WriterReply = { id: number; outcomes: SentOutcome[] } | { id: number; failure: { message: string; code: string | undefined } } | { id: number; paused: true };

/** A database failure reported by the writer thread, with the driver's code (such as SQLITE_BUSY). */
class WriterThreadError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * The SQLite ledger store the server uses: batches are applied in a worker thread on a connection of
 * its own (sqlite-writer-thread.ts), so their statements and their commit's fsync run beside the event
 * loop instead of stopping it. Everything else keeps the main thread's connection; SQLite's write lock
 * (BEGIN IMMEDIATE, busy_timeout) orders the two writers.
 */
export function sqliteWriterThreadStore(db: Database, clockOffsetMs?: Float64Array): LedgerStore {
  const filename = db.sqlite?.name;
  if (!filename) throw new Error('the SQLite writer thread needs a SQLite database file');
  // Built, this module is .js beside the thread's .js. Run from source (tests), both are .ts, and the
  // thread loads its module through tsx, whose loader hooks do not reach worker threads.
  const fromSource = import.meta.url.endsWith('.ts');
  const thread = new URL(`./sqlite-writer-thread${fromSource ? '.ts' : '.js'}`, import.meta.url);
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(thread.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: { filename, clockOffsetMs } })
    : new Worker(thread, { workerData: { filename, clockOffsetMs } });
  const waiting = new Map<number, { resolve(result: Applied[] | undefined): void; reject(error: unknown): void }>();
  let nextId = 0;
  let failed: Error | undefined;
  /** Set once close began: the thread then keeps the process alive until it has exited. */
  let closing = false;
  // The thread keeps the process alive only while a batch is in it.
  worker.unref();

  worker.on('message', (reply: WriterReply) => {
    const call = waiting.get(reply.id)!;
    waiting.delete(reply.id);
    if (waiting.size === 0 && !closing) worker.unref();
    if ('paused' in reply) call.resolve(undefined);
    else if ('failure' in reply) call.reject(new WriterThreadError(reply.failure.message, reply.failure.code));
    else call.resolve(reply.outcomes.map((outcome) => (outcome.ok ? outcome : { ok: false, error: new LedgerError(outcome.error.code, outcome.error.message, outcome.error.details) })));
  });
  const fail = (error: Error) => {
    failed = error;
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the SQLite ledger writer thread stopped (exit code ${code})`)));

  function call(message: { kind: 'batch'; id: number; requests: WireRequest[] } | { kind: 'pause'; id: number }): Promise<Applied[] | undefined> {
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      if (waiting.size === 0) worker.ref();
      waiting.set(message.id, { resolve, reject });
      worker.postMessage(message satisfies WriterCall);
    });
  }

  // The main connection's write transactions wait for the thread to pause between batches, instead of
  // waiting for the file's write lock, which would stop the event loop.
  setWriteGate(db, async (transaction) => {
    if (failed) return transaction();
    const id = nextId++;
    await call({ kind: 'pause', id });
    try {
      return await transaction();
    } finally {
      worker.postMessage({ kind: 'resume', id } satisfies WriterCall);
    }
  });

  return {
    // The thread applies batches one after another; a second one waiting there is cut and cloned while the first commits.
    maxConcurrentTransactions: 2,
    async runBatch(requests) {
      return (await call({ kind: 'batch', id: nextId++, requests: requests.map(toWire) }))!;
    },
    isRetryable(error) {
      return (error as { code?: unknown }).code === 'SQLITE_BUSY';
    },
    async close() {
      if (failed) return;
      setWriteGate(db, undefined);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      closing = true;
      worker.ref();
      worker.postMessage({ kind: 'close' } satisfies WriterCall);
      await exited;
    },
  };
}
