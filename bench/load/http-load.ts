// HTTP load from its own process: autocannon against one server, on command from the bench.
import autocannon from 'autocannon';
import { answerCommands } from '../support/ipc.js';

export interface HttpLoadArgs {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Stops after this many requests (all answered) instead of after `durationSeconds`. */
  amount?: number;
  /** Requests per second from all connections together; unset, as many as the server answers. */
  overallRate?: number;
  /** Bearer tokens, one per request in turn: many users behind one load. */
  tokens?: string[];
  /** Each request gets the Idempotency-Key `<prefix>-<n>`, unique in the run. */
  idempotencyKeyPrefix?: string;
}

export interface HttpLoadResult {
  requests: number;
  ok: number;
  /** 2xx answers per second. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  seconds: number;
}

async function run(args: HttpLoadArgs): Promise<HttpLoadResult> {
  let sent = 0;
  const result = await autocannon({
    url: args.url,
    connections: args.connections,
    duration: args.durationSeconds,
    amount: args.amount,
    overallRate: args.overallRate,
    headers: args.body === undefined ? {} : { 'content-type': 'application/json' },
    requests: [
      {
        method: args.method,
        path: args.path,
        body: args.body,
        setupRequest(request) {
          const n = sent++;
          const headers = { ...request.headers };
          if (args.tokens) headers.authorization = `Bearer ${args.tokens[n % args.tokens.length]}`;
          if (args.idempotencyKeyPrefix) headers['idempotency-key'] = `${args.idempotencyKeyPrefix}-${n}`;
          return { ...request, headers };
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, Number(stats.count ?? 0)]));
  return {
    requests: result.requests.total,
    ok: result['2xx'],
    okPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    seconds: result.duration,
  };
}

answerCommands({ run });
