import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './signing.js';
import { postPinned } from './transport.js';
import { checkWebhookUrl, resolveDeliveryAddresses, systemResolver } from './urls.js';
import type { DeliveryRow, EndpointRow, WebhooksDependencies } from './webhooks-records.js';

/** Waits after the 1st, 2nd, … failed attempt: 8 attempts over about a day and a half, then the delivery fails. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 43_200_000, 57_600_000];
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;
/** An endpoint that has not answered by then has failed the attempt. */
const WEBHOOK_TIMEOUT_MS = 10_000;
/** How long a claim keeps other workers off a delivery: the timeout plus room for recording the result. */
const LEASE_MS = WEBHOOK_TIMEOUT_MS + 50_000;
/** Deliveries one worker claims and sends at once. */
const CLAIM_BATCH = 20;
const ERROR_MAX_CHARS = 500;

/** What one `deliverDue` run did, in attempts. */
export interface WebhookDeliveryReport {
  attempted: number;
  delivered: number;
  /** Failed attempts with another one scheduled. */
  retrying: number;
  /** Failed attempts that were the last. */
  failed: number;
}

/** The worker that signs and sends due deliveries, retrying failures with backoff. */
export interface WebhookSender {
  /**
   * Sends every delivery that is due, a batch at a time, until none is left or `signal` is aborted
   * (the batch being sent is finished). Each delivery is claimed before it is sent, so workers in
   * several processes never send the same attempt twice.
   */
  deliverDue(signal?: AbortSignal): Promise<WebhookDeliveryReport>;
  /** Deliveries waiting to be sent, as the whole deployment has them (for metrics). */
  backlog(): Promise<WebhookBacklog>;
}

/** The deliveries not sent yet, in every process's database. */
export interface WebhookBacklog {
  /** Deliveries still to be attempted (first attempts and retries), endpoints disabled included. */
  pending: number;
  /** How long the oldest delivery that is due to an enabled endpoint has been waiting for its attempt, in seconds; 0 when none is. */
  oldestDueSeconds: number;
}

type Claim = Pick<DeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'body' | 'failed_attempts'>;

interface AttemptResult {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export function createWebhookSender(deps: WebhooksDependencies): WebhookSender {
  const { kysely, now, logger } = deps;
  const { allowInsecureUrls } = deps.config.webhooks;
  const resolve = deps.resolve ?? systemResolver;

  /** Claims up to a batch of due deliveries of enabled endpoints for this worker. */
  async function claimDue(): Promise<{ token: string; claims: Claim[] }> {
    const at = now();
    const atIso = at.toISOString();
    const candidates = await kysely
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.id')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', atIso)
      .where('e.enabled', '=', 1n)
      .where((eb) => eb.or([eb('d.lease_expires_at', 'is', null), eb('d.lease_expires_at', '<=', atIso)]))
      .orderBy('d.next_attempt_at')
      .limit(CLAIM_BATCH)
      .execute();
    const token = randomUUID();
    if (candidates.length === 0) return { token, claims: [] };
    // The conditions are checked again by the update itself: of two workers that saw the same candidates, only one gets each.
    const claims = await kysely
      .updateTable('webhook_deliveries')
      .set({ lease_token: token, lease_expires_at: new Date(at.getTime() + LEASE_MS).toISOString() })
      .where(
        'id',
        'in',
        candidates.map((row) => row.id),
      )
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', atIso)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', atIso)]))
      .returning(['id', 'endpoint_id', 'event_id', 'body', 'failed_attempts'])
      .execute();
    return { token, claims };
  }

  async function attempt(claim: Claim, endpoint: EndpointRow): Promise<AttemptResult> {
    const at = now();
    const startedMs = performance.now();
    const elapsedMs = () => Math.round(performance.now() - startedMs);
    try {
      // Checked again at every attempt: the setting may have been turned off since the endpoint was registered.
      const url = new URL(checkWebhookUrl(endpoint.url, allowInsecureUrls));
      // Resolved once and checked; the connection is pinned to these addresses (a name cannot change its answer in between).
      const addresses = await resolveDeliveryAddresses(url.hostname, resolve, allowInsecureUrls);
      const overlapping = endpoint.previous_secret !== null && endpoint.previous_secret_expires_at !== null && endpoint.previous_secret_expires_at > at.toISOString();
      const secrets = overlapping ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret];
      // A redirect is a failed attempt, never followed: it could lead to a host the URL check would refuse.
      const response = await postPinned(
        url,
        addresses,
        {
          'content-type': 'application/json',
          'user-agent': 'Ovation-Webhooks',
          [EVENT_ID_HEADER]: claim.event_id,
          [SIGNATURE_HEADER]: signWebhook(secrets, claim.body, at),
        },
        claim.body,
        AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      );
      return { at, statusCode: response.statusCode, error: null, durationMs: elapsedMs() };
    } catch (error) {
      return { at, statusCode: null, error: describeFailure(error), durationMs: elapsedMs() };
    }
  }

  /** Records an attempt and schedules what follows, if this worker still holds the claim. */
  async function record(claim: Claim, token: string, result: AttemptResult): Promise<keyof Omit<WebhookDeliveryReport, 'attempted'> | 'lost'> {
    const atIso = result.at.toISOString();
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const failures = delivered ? Number(claim.failed_attempts) : Number(claim.failed_attempts) + 1;
    const outcome = delivered ? 'delivered' : failures >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'retrying';
    const updated = await kysely
      .updateTable('webhook_deliveries')
      .set({
        status: outcome === 'retrying' ? 'pending' : outcome,
        failed_attempts: BigInt(failures),
        next_attempt_at: outcome === 'retrying' ? new Date(result.at.getTime() + WEBHOOK_RETRY_DELAYS_MS[failures - 1]!).toISOString() : null,
        completed_at: outcome === 'retrying' ? null : now().toISOString(),
        lease_token: null,
        lease_expires_at: null,
      })
      .where('id', '=', claim.id)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    // Deleted with its endpoint while the request was out, or the claim lapsed and another worker holds it now.
    if (updated.numUpdatedRows === 0n) return 'lost';
    await kysely
      .insertInto('webhook_attempts')
      .values({
        delivery_id: claim.id,
        attempted_at: atIso,
        status_code: result.statusCode === null ? null : BigInt(result.statusCode),
        error: result.error,
        duration_ms: BigInt(result.durationMs),
      })
      .execute();
    const context = { deliveryId: claim.id, endpointId: claim.endpoint_id, eventId: claim.event_id, statusCode: result.statusCode, error: result.error };
    if (outcome === 'failed') {
      logger.warn(context, `webhook delivery failed after ${failures} attempts; retry it with POST /api/v1/admin/webhook-deliveries/${claim.id}/retry`);
    } else if (outcome === 'retrying') {
      logger.debug(context, 'webhook attempt failed; retrying later');
    }
    return outcome;
  }

  return {
    async backlog() {
      const at = now();
      const pending = await kysely
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number | bigint | string>().as('count'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      const oldest = await kysely
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select((eb) => eb.fn.min('d.next_attempt_at').as('due'))
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', at.toISOString())
        .where('e.enabled', '=', 1n)
        .executeTakeFirst();
      const due = oldest?.due ?? null;
      return { pending: Number(pending.count), oldestDueSeconds: due === null ? 0 : Math.max(0, at.getTime() - Date.parse(due)) / 1000 };
    },

    async deliverDue(signal) {
      const report: WebhookDeliveryReport = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
      while (!signal?.aborted) {
        const { token, claims } = await claimDue();
        if (claims.length === 0) break;
        const endpointIds = [...new Set(claims.map((claim) => claim.endpoint_id))];
        const endpoints = new Map((await kysely.selectFrom('webhook_endpoints').selectAll().where('id', 'in', endpointIds).execute()).map((row) => [row.id, row]));
        const outcomes = await Promise.all(
          claims.map(async (claim) => {
            const endpoint = endpoints.get(claim.endpoint_id);
            // Its endpoint was deleted after the claim; the delivery goes with it.
            if (!endpoint) return 'lost' as const;
            return record(claim, token, await attempt(claim, endpoint));
          }),
        );
        for (const outcome of outcomes) {
          if (outcome === 'lost') continue;
          report.attempted++;
          report[outcome]++;
        }
      }
      return report;
    },
  };
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  // An aborted request fails with an AbortError whose cause is the signal's TimeoutError.
  if (error instanceof Error && (error.name === 'TimeoutError' || (cause instanceof Error && cause.name === 'TimeoutError'))) return `no response within ${WEBHOOK_TIMEOUT_MS / 1000} s`;
  const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return message.slice(0, ERROR_MAX_CHARS);
}
