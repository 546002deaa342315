import type { Fleet } from './fleet.js';

/** A 2xx answer the server gave to one request. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read field by field as clients do
  body: Record<string, any>;
}

/** Everything one client did for one logical operation, under one idempotency key. */
export interface OperationRecord {
  kind: 'setup' | 'read' | 'order' | 'checkout' | 'order_check' | 'gift' | 'paid_message' | 'payout';
  clientId: string;
  key: string | undefined;
  /** Requests sent, the first included. */
  requests: number;
  /** Requests sent again with the same key after an earlier one was answered 2xx (a client double-submitting). */
  duplicates: number;
  /** Requests aborted by the client mid-flight. */
  abandoned: number;
  /** Every 2xx answer, in order: the first is the acknowledgement; later ones must replay it. */
  answers: Answer[];
  /** The clean refusal (4xx) that ended the operation, if any; after an acknowledgement, a refused duplicate. */
  refusal: { status: number; code: string } | undefined;
  /** Requests that got no answer (the process died, the connection broke) or a 503 while it shut down or started. */
  failures: number;
  /** Other 5xx answers: unexpected errors, each worth a look in the server's log. */
  serverErrors: string[];
}

export interface Faults {
  /** Chance that a request is aborted by the client a few milliseconds after it is sent. */
  abandonChance: number;
  /** Chance that an operation whose request the client aborted is given up (its outcome unknown to the client). */
  giveUpChance: number;
  /** Chance that an acknowledged operation is sent once more with the same key. */
  duplicateChance: number;
}

/** Longest a request may hang before the client counts it as failed. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Tries before an operation is given up: long enough to outlast several restarts. */
const MAX_TRIES = 400;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An HTTP client that behaves like a real one against a crashing server:
 * it retries network failures and 5xx with the same idempotency key,
 * sometimes abandons a request mid-flight, sometimes sends an acknowledged
 * request again, and records everything it saw.
 */
export class TortureClient {
  readonly records: OperationRecord[] = [];
  token: string | undefined;
  userId: string | undefined;

  constructor(
    readonly id: string,
    private readonly fleet: Fleet,
    private readonly faults: Faults,
  ) {}

  /**
   * Runs one operation to its end: acknowledged (2xx, then maybe a duplicate), refused (4xx), or given up.
   * `faulty: false` sends it without client-side faults (setup steps that are not under test).
   */
  async perform(kind: OperationRecord['kind'], method: string, path: string, options: { body?: unknown; key?: string; faulty?: boolean } = {}): Promise<OperationRecord> {
    const faulty = options.faulty ?? true;
    const record: OperationRecord = { kind, clientId: this.id, key: options.key, requests: 0, duplicates: 0, abandoned: 0, answers: [], refusal: undefined, failures: 0, serverErrors: [] };
    this.records.push(record);
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const abandonAfterMs = faulty && Math.random() < this.faults.abandonChance ? Math.floor(Math.random() * 30) : undefined;
      const outcome = await this.send(method, path, options, abandonAfterMs);
      record.requests++;
      if (outcome === 'abandoned') record.abandoned++;
      if (outcome !== 'abandoned' && outcome !== 'failed' && outcome.status >= 500) record.serverErrors.push(`${outcome.status} ${outcome.body?.error?.code ?? ''}`);
      if (outcome === 'abandoned' || outcome === 'failed' || outcome.status >= 500) {
        if (outcome === 'failed') record.failures++;
        if (outcome === 'abandoned' && Math.random() < this.faults.giveUpChance) return record;
        await sleep(20 + Math.random() * 200);
        continue;
      }
      if (outcome.status >= 200 && outcome.status < 300) {
        record.answers.push(outcome);
        if (faulty && options.key !== undefined && record.duplicates === 0 && Math.random() < this.faults.duplicateChance) {
          record.duplicates++;
          continue;
        }
        return record;
      }
      record.refusal = { status: outcome.status, code: String(outcome.body?.error?.code ?? outcome.status) };
      return record;
    }
    return record;
  }

  /** One request to a random live process: its answer, or 'failed' (no answer, or 503) or 'abandoned'. */
  private async send(method: string, path: string, options: { body?: unknown; key?: string }, abandonAfterMs: number | undefined): Promise<Answer | 'failed' | 'abandoned'> {
    const url = this.fleet.anyUrl();
    if (url === undefined) return 'failed';
    const abort = new AbortController();
    const abandonTimer = abandonAfterMs === undefined ? undefined : setTimeout(() => abort.abort(), abandonAfterMs);
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(options.key ? { 'idempotency-key': options.key } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      const text = await response.text();
      // 503: a process shutting down or its database not ready yet; the client tries again.
      if (response.status === 503) return 'failed';
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    } catch {
      return abort.signal.aborted ? 'abandoned' : 'failed';
    } finally {
      clearTimeout(abandonTimer);
    }
  }
}
