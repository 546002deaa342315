import { performance } from 'node:perf_hooks';
import { LedgerError } from './errors.js';
import { resultOf, type Applied, type Outcome } from './batch.js';
import type { NormalizedRequest } from './requests.js';
import type { LedgerStore, OutboxRow } from './store.js';
import type { Transfer } from './types.js';

interface Waiting {
  request: NormalizedRequest;
  resolve(transfer: Transfer): void;
  reject(error: unknown): void;
}

/** A failed single-request transaction is tried again this many times when the store calls the failure retryable. */
const MAX_ATTEMPTS = 4;

/**
 * Told what the writer does, for metrics: once per batch and once per refusal, never per accepted request,
 * so it costs the hot path nothing it would notice. Must not throw.
 */
export interface LedgerObserver {
  /** A batch committed: how many requests it decided (applied or refused) and how long its transaction took, in seconds. */
  batchCommitted(requests: number, seconds: number): void;
  /** A batch's transaction failed on the database and rolled back whole; its requests are tried one by one. */
  batchFailed(): void;
  /** A request was refused, by its LedgerError code (insufficient_funds, ledger_overloaded, …). */
  refused(code: string): void;
}

/** What the writer holds now, read when metrics are scraped. */
export interface LedgerQueueState {
  /** Requests waiting for a batch. */
  queued: number;
  /** Batches whose transaction is running. */
  inFlight: number;
}

/**
 * Groups concurrent requests into batches: while one batch commits, new
 * requests queue, and the next batch takes up to `maxBatchSize` of them into
 * one transaction. Durability is paid once per batch, and the hot account's
 * row is written once per batch instead of once per transfer. Callers resolve
 * only after their batch has committed.
 */
export class BatchingWriter {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: LedgerStore,
    private readonly maxBatchSize: number,
    /** Requests that may wait for a batch at once; past it a request is refused at once with `ledger_overloaded`. */
    private readonly maxQueued: number,
    /** Told of each committed batch's outbox messages, in commit order, before its callers resolve. */
    private readonly onCommitted: (outbox: OutboxRow[]) => void,
    private readonly observer?: LedgerObserver,
  ) {}

  get state(): LedgerQueueState {
    return { queued: this.queue.length, inFlight: this.inFlight };
  }

  submit(request: NormalizedRequest): Promise<Transfer> {
    // Refused before it waits, so an overloaded ledger answers at once and the caller can retry with the same key.
    if (this.queue.length >= this.maxQueued) {
      this.observer?.refused('ledger_overloaded');
      return Promise.reject(overloadedError(this.maxQueued));
    }
    return new Promise<Transfer>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every request submitted so far has been committed or refused. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets pending I/O (new requests) join the queue before the batch is cut.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.store.maxConcurrentTransactions) {
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    const requests = batch.map((w) => w.request);
    let applied: Applied[];
    const startedAt = performance.now();
    try {
      applied = await this.store.runBatch(requests);
    } catch (error) {
      this.observer?.batchFailed();
      // The batch rolled back whole. Apply each request in a transaction of its own, so a request
      // that cannot be written fails alone and the others go through.
      for (const waiting of batch) await this.runAlone(waiting, batch.length === 1 ? error : undefined);
      return;
    }
    this.observer?.batchCommitted(batch.length, (performance.now() - startedAt) / 1000);
    const result = resultOf(requests, applied);
    this.committed(result.outbox);
    result.outcomes.forEach((outcome, index) => this.settle(batch[index]!, outcome));
  }

  private settle(waiting: Waiting, outcome: Outcome): void {
    if (!outcome.ok) this.observer?.refused(outcome.error.code);
    settle(waiting, outcome);
  }

  private committed(outbox: OutboxRow[]): void {
    if (outbox.length === 0) return;
    try {
      this.onCommitted(outbox);
    } catch {
      // A listener's failure must not fail transfers that are already committed; the outbox sweeper delivers them.
    }
  }

  private async runAlone(waiting: Waiting, firstError: unknown): Promise<void> {
    let lastError = firstError;
    for (let attempt = firstError === undefined ? 0 : 1; attempt < MAX_ATTEMPTS; attempt++) {
      if (lastError !== undefined && !this.store.isRetryable(lastError)) break;
      try {
        const startedAt = performance.now();
        const { outcomes, outbox } = resultOf([waiting.request], await this.store.runBatch([waiting.request]));
        this.observer?.batchCommitted(1, (performance.now() - startedAt) / 1000);
        this.committed(outbox);
        this.settle(waiting, outcomes[0]!);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    waiting.reject(lastError);
  }
}

function settle(waiting: Waiting, outcome: Outcome): void {
  if (outcome.ok) waiting.resolve(outcome.transfer);
  else waiting.reject(outcome.error);
}

export function closedError(): LedgerError {
  return new LedgerError('ledger_closed', 'the ledger is shutting down and takes no new transfers');
}

function overloadedError(maxQueued: number): LedgerError {
  return new LedgerError('ledger_overloaded', `the ledger has ${maxQueued} transfers waiting already; retry shortly with the same idempotency key`, { maxQueued });
}
