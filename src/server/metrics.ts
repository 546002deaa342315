import type { FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LedgerObserver, LedgerQueueState } from '../ledger/index.js';
import type { OutboxObserver } from '../outbox/relay.js';
import type { ReconcileReport } from '../payments/orders-reconciliation.js';
import type { RoomStats } from '../live/room.js';
import type { WebhookBacklog, WebhookDeliveryReport } from '../webhooks/index.js';
import type { JobRunOutcome } from '../shared/jobs.js';

/**
 * The process's Prometheus metrics (docs/operations.md#metrics lists each, with what an alert on it
 * should say). Hot paths only bump numbers: a request adds to its route's buckets found without
 * building a label string, a ledger batch observes twice, a room frame adds one; gauges of queues,
 * sockets and backlogs are read when Prometheus scrapes.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Times each HTTP request by route pattern, method and status; called once per answered request. */
  readonly requests: RequestTimings;
  readonly ledger: LedgerObserver;
  readonly outbox: OutboxObserver;
  /** An order's payment failed. */
  paymentFailed(): void;
  /** The background jobs this process runs, so that each job's series exist before its first run. */
  jobsScheduled(jobs: readonly string[]): void;
  /** A run of a background job ended. */
  jobRan(job: string, outcome: JobRunOutcome, seconds: number): void;
  /** A reconciliation run's report. */
  reconciled(report: ReconcileReport): void;
  /** A webhook delivery run's report. */
  webhooksAttempted(report: WebhookDeliveryReport): void;
  /** A request or sign-in refused by a rate limit, by the limit's name. */
  rateLimited(limit: RateLimitName): void;
  /** Where the gauges read from at scrape time; until called they read zero. */
  watch(sources: MetricSources): void;
  /** The exposition text, for GET /metrics. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

/** What the gauges read when Prometheus scrapes. */
export interface MetricSources {
  ledgerQueue(): LedgerQueueState;
  rooms: Readonly<RoomStats>;
  relayQueued(): number;
  webhookBacklog(): Promise<WebhookBacklog>;
}

const RATE_LIMIT_NAMES = ['api_ip', 'api_account', 'login_ip', 'auth_ip'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

const PAYMENT_OUTCOMES = ['paid', 'failed', 'refunded', 'disputed'] as const;
const PAYOUT_OUTCOMES = ['paid', 'failed', 'rejected', 'returned'] as const;
const RECONCILIATION_OUTCOMES = ['credited', 'failed', 'clawed_back', 'refunded', 'canceled', 'unresolved'] as const;
const WEBHOOK_ATTEMPT_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
/** The ledger's refusals that metrics name; any other code counts as `other`, so the label's values stay few. */
const LEDGER_REFUSALS = [
  'insufficient_funds',
  'ledger_overloaded',
  'idempotency_conflict',
  'authorization_changed',
  'unknown_account',
  'asset_mismatch',
  'balance_overflow',
  'pending_not_found',
  'pending_already_resolved',
  'already_reversed',
  'nothing_to_sweep',
  'other',
] as const;
const JOB_OUTCOMES: readonly JobRunOutcome[] = ['ok', 'failed', 'skipped'];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let sources: MetricSources | undefined;

  const requests = new RequestTimings({
    name: 'ovation_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being written, by route pattern (the web app is /*, no route is "unmatched"), method and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  // Ledger: the batching writer.
  const batchSize = new Histogram({
    name: 'ovation_ledger_batch_size',
    help: 'Requests decided by each committed ledger batch (one database transaction).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'ovation_ledger_commit_duration_seconds',
    help: "Time each ledger batch's transaction took, from its first statement to its durable commit.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const batchFailures = new Counter({
    name: 'ovation_ledger_batch_failures_total',
    help: 'Ledger batches that failed on the database and rolled back whole; their requests were tried one by one.',
    registers,
  });
  const refusals = new Counter({ name: 'ovation_ledger_refusals_total', help: 'Ledger requests refused, by reason (the LedgerError code).', labelNames: ['reason'], registers });
  for (const reason of LEDGER_REFUSALS) refusals.inc({ reason }, 0);
  const refusalReasons: ReadonlySet<string> = new Set(LEDGER_REFUSALS);
  new Gauge({
    name: 'ovation_ledger_queue_depth',
    help: 'Ledger requests waiting for a batch now; LEDGER_MAX_QUEUE is where they are refused.',
    registers,
    collect() {
      this.set(sources?.ledgerQueue().queued ?? 0);
    },
  });
  new Gauge({
    name: 'ovation_ledger_batches_in_flight',
    help: 'Ledger batches whose transaction is running now.',
    registers,
    collect() {
      this.set(sources?.ledgerQueue().inFlight ?? 0);
    },
  });

  // Outbox: committed messages relayed to the bus and the webhook queue.
  const relayLag = new Histogram({
    name: 'ovation_outbox_relay_lag_seconds',
    help: 'For each relayed batch of outbox messages, how long its oldest message waited between its commit and its relay.',
    labelNames: ['path'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers,
  });
  const relayed = new Counter({
    name: 'ovation_outbox_relayed_messages_total',
    help: 'Outbox messages relayed, by path: "commit" right after their commit, "sweep" left behind and found by the sweeper.',
    labelNames: ['path'],
    registers,
  });
  const relayFailures = new Counter({ name: 'ovation_outbox_relay_failures_total', help: 'Outbox messages whose relay failed (the bus refused them); the sweeper relays them again.', registers });
  for (const path of ['commit', 'sweep']) {
    relayed.inc({ path }, 0);
    relayLag.zero({ path });
  }
  new Gauge({
    name: 'ovation_outbox_relay_queue',
    help: 'Committed outbox messages waiting in this process to be relayed.',
    registers,
    collect() {
      this.set(sources?.relayQueued() ?? 0);
    },
  });

  // Webhooks.
  const webhookAttempts = new Counter({ name: 'ovation_webhook_attempts_total', help: 'Webhook delivery attempts made by this process, by outcome.', labelNames: ['outcome'], registers });
  for (const outcome of WEBHOOK_ATTEMPT_OUTCOMES) webhookAttempts.inc({ outcome }, 0);
  // One query answers both gauges of a scrape.
  let backlog: Promise<WebhookBacklog> | undefined;
  const readBacklog = (): Promise<WebhookBacklog> => {
    backlog ??= (sources?.webhookBacklog() ?? Promise.resolve({ pending: 0, oldestDueSeconds: 0 })).finally(() => setImmediate(() => (backlog = undefined)));
    return backlog;
  };
  new Gauge({
    name: 'ovation_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting for an attempt, in the whole deployment (every process reports the same database).',
    registers,
    async collect() {
      this.set((await readBacklog()).pending);
    },
  });
  new Gauge({
    name: 'ovation_webhook_oldest_due_seconds',
    help: 'How long the oldest delivery due to an enabled endpoint has waited for its attempt; 0 when none is due.',
    registers,
    async collect() {
      this.set((await readBacklog()).oldestDueSeconds);
    },
  });

  // Live rooms.
  const rooms = (read: (stats: Readonly<RoomStats>) => number) => (sources ? read(sources.rooms) : 0);
  new Gauge({
    name: 'ovation_rooms',
    help: 'Live rooms this process holds.',
    registers,
    collect() {
      this.set(rooms((stats) => stats.rooms));
    },
  });
  new Gauge({
    name: 'ovation_room_sockets',
    help: 'Room and overlay sockets open on this process.',
    registers,
    collect() {
      this.set(rooms((stats) => stats.sockets));
    },
  });
  counterOf(registers, 'ovation_room_sockets_joined_total', 'Sockets that joined a room on this process.', () => rooms((stats) => stats.socketsJoined));
  counterOf(registers, 'ovation_room_frames_sent_total', 'Frames fanned out to room sockets: one per socket per tick that had events.', () => rooms((stats) => stats.framesSent));
  counterOf(registers, 'ovation_room_frames_dropped_total', 'Frames not sent to a socket that could not keep up (then closed with 4408) or that had too many waiting for its welcome.', () =>
    rooms((stats) => stats.framesDropped),
  );
  counterOf(registers, 'ovation_room_slow_sockets_closed_total', 'Room sockets closed with 4408 for falling behind; their clients resume with since=.', () =>
    rooms((stats) => stats.slowSocketsClosed),
  );

  // Money leaving and entering: outcomes as committed.
  const payments = new Counter({ name: 'ovation_payment_outcomes_total', help: 'Coin orders by outcome, counted as it is committed in this process.', labelNames: ['outcome'], registers });
  for (const outcome of PAYMENT_OUTCOMES) payments.inc({ outcome }, 0);
  const payouts = new Counter({ name: 'ovation_payout_outcomes_total', help: 'Payouts by outcome, counted as it is committed in this process.', labelNames: ['outcome'], registers });
  for (const outcome of PAYOUT_OUTCOMES) payouts.inc({ outcome }, 0);
  const reconciliationRuns = new Counter({
    name: 'ovation_reconciliation_runs_total',
    help: 'Runs of the reconciliation job that finished in this process.',
    registers,
  });
  const reconciliationOrders = new Counter({
    name: 'ovation_reconciliation_orders_total',
    help: 'Orders the reconciliation job settled, by outcome; "unresolved" are orders it could not settle.',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of RECONCILIATION_OUTCOMES) reconciliationOrders.inc({ outcome }, 0);
  const unresolved = new Gauge({ name: 'ovation_reconciliation_unresolved_orders', help: 'Orders the last reconciliation run in this process left unresolved.', registers });

  // Background jobs and limits.
  const jobRuns = new Counter({
    name: 'ovation_background_job_runs_total',
    help: 'Runs of each background job, by outcome ("skipped": another process held its lock).',
    labelNames: ['job', 'outcome'],
    registers,
  });
  const jobSeconds = new Histogram({
    name: 'ovation_background_job_duration_seconds',
    help: 'Time each run of a background job took.',
    labelNames: ['job'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers,
  });
  const limited = new Counter({ name: 'ovation_rate_limited_total', help: 'Requests refused by a rate limit, by limit.', labelNames: ['limit'], registers });
  for (const limit of RATE_LIMIT_NAMES) limited.inc({ limit }, 0);

  return {
    registry,
    requests,
    ledger: {
      batchCommitted(size, seconds) {
        batchSize.observe(size);
        commitSeconds.observe(seconds);
      },
      batchFailed: () => batchFailures.inc(),
      refused: (code) => refusals.inc({ reason: refusalReasons.has(code) ? code : 'other' }),
    },
    outbox: {
      relayed(messages, oldestLagSeconds, swept) {
        const path = swept ? 'sweep' : 'commit';
        relayed.inc({ path }, messages);
        relayLag.observe({ path }, oldestLagSeconds);
      },
      failed: (messages) => relayFailures.inc(messages),
      event(type) {
        // Every gift's event passes here: two prefix checks, and nothing else for it.
        if (type.startsWith('order.')) {
          const outcome = type === 'order.paid' ? 'paid' : type === 'order.refunded' ? 'refunded' : type === 'order.disputed' ? 'disputed' : undefined;
          if (outcome) payments.inc({ outcome });
        } else if (type.startsWith('payout.')) {
          const outcome = type.slice('payout.'.length);
          if ((PAYOUT_OUTCOMES as readonly string[]).includes(outcome)) payouts.inc({ outcome });
        }
      },
    },
    paymentFailed: () => payments.inc({ outcome: 'failed' }),
    jobsScheduled(jobs) {
      for (const job of jobs) {
        for (const outcome of JOB_OUTCOMES) jobRuns.inc({ job, outcome }, 0);
        jobSeconds.zero({ job });
      }
    },
    jobRan(job, outcome, seconds) {
      jobRuns.inc({ job, outcome });
      if (outcome !== 'skipped') jobSeconds.observe({ job }, seconds);
    },
    reconciled(report) {
      reconciliationRuns.inc();
      const counts: Record<(typeof RECONCILIATION_OUTCOMES)[number], number> = {
        credited: report.credited.length,
        failed: report.failed.length,
        clawed_back: report.clawedBack.length,
        refunded: report.refunded.length,
        canceled: report.canceled.length,
        unresolved: report.unresolved.length,
      };
      for (const outcome of RECONCILIATION_OUTCOMES) if (counts[outcome] > 0) reconciliationOrders.inc({ outcome }, counts[outcome]);
      unresolved.set(report.unresolved.length);
    },
    webhooksAttempted(report) {
      for (const outcome of WEBHOOK_ATTEMPT_OUTCOMES) if (report[outcome] > 0) webhookAttempts.inc({ outcome }, report[outcome]);
    },
    rateLimited: (limit) => limited.inc({ limit }),
    watch(given) {
      sources = given;
    },
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** A counter whose value is a number kept elsewhere (a count bumped on a hot path), read when scraped. */
function counterOf(registers: Registry[], name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** One route's requests of one method and status code: buckets (not cumulative until scraped), sum and count. */
interface Series {
  readonly labels: { method: string; route: string; status_code: number };
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A route's series, by method, then by status code (an array indexed by the code). */
interface RouteSeries {
  readonly route: string;
  readonly methods: { method: string; byStatus: Series[] }[];
}

/**
 * An HTTP request histogram by route, method and status that observes without building a label string or
 * hashing labels, as prom-client's labelled observe does: a request's series is found from its route's
 * options object, the method among the route's few and the status code as an array index. Scraped as a
 * prom-client histogram.
 */
export class RequestTimings extends Histogram<'method' | 'route' | 'status_code'> {
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly help: string;
  private readonly routes = new WeakMap<object, RouteSeries>();
  private readonly unmatched: RouteSeries = { route: 'unmatched', methods: [] };
  private readonly series: Series[] = [];

  constructor(config: { name: string; help: string; labelNames: ('method' | 'route' | 'status_code')[]; buckets: number[]; registers: Registry[] }) {
    super(config);
    this.metricName = config.name;
    this.help = config.help;
    this.bounds = [...config.buckets].sort((a, b) => a - b);
  }

  /** Counts one answered request that took `seconds`. */
  record(request: FastifyRequest, statusCode: number, seconds: number): void {
    const options = request.routeOptions;
    let route: RouteSeries | undefined;
    if (options.url === undefined) route = this.unmatched;
    else if (!(route = this.routes.get(options.config))) this.routes.set(options.config, (route = { route: options.url, methods: [] }));
    const method = request.method;
    let byMethod: RouteSeries['methods'][number] | undefined;
    for (const entry of route.methods) if (entry.method === method) byMethod = entry;
    if (!byMethod) route.methods.push((byMethod = { method, byStatus: [] }));
    let series = byMethod.byStatus[statusCode];
    if (!series) {
      series = { labels: { method, route: route.route, status_code: statusCode }, counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      byMethod.byStatus[statusCode] = series;
      this.series.push(series);
    }
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (seconds <= bounds[index]!) {
        series.counts[index]!++;
        break;
      }
    }
    series.sum += seconds;
    series.count++;
  }

  /** What prom-client's registry (and the histogram's own `get`) exposes: these series, not the base class's (it observes nothing). */
  async getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { metricName: string; labels: Record<string, string | number>; value: number }[] }> {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const series of this.series) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push({ metricName: `${this.metricName}_bucket`, labels: { ...series.labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${this.metricName}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: series.count });
      values.push({ metricName: `${this.metricName}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.metricName}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.metricName, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
