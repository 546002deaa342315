import { signPayload, verifySignature, WebhookSignatureError } from '../shared/signatures.js';

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const SIGNATURE_HEADER = 'ovation-signature';
export const EVENT_ID_HEADER = 'ovation-event-id';
const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The signature header of a delivery: one `v1` per secret, all over the same
 * timestamp, so during a secret rotation a receiver holding either secret
 * accepts it.
 */
export function signWebhook(secrets: readonly string[], rawBody: string, at: Date): string {
  const [first, ...others] = secrets.map((secret) => signPayload(secret, rawBody, at));
  if (first === undefined) throw new RangeError('a webhook is signed with at least one secret');
  // Each signPayload answers `t=…,v1=…`; keep the first `t` and every `v1`.
  return [first, ...others.map((signed) => signed.slice(signed.indexOf(',') + 1))].join(',');
}

export type WebhookSignatureCheck =
  | { valid: true; timestamp: number }
  | {
      valid: false;
      /** missing: no header; malformed: no `t=` timestamp; expired: outside the tolerance (a replay, or a wrong clock); mismatch: no `v1` matches the body and secret. */
      reason: 'missing' | 'malformed' | 'expired' | 'mismatch';
    };

/**
 * Checks an `ovation-signature` header against the raw request body (the
 * bytes received, before any JSON parsing) and the endpoint's secret.
 * Refuses timestamps more than `toleranceSeconds` from `now`, so a captured
 * delivery cannot be replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  signatureHeader: string | undefined,
  rawBody: string,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = new Date() }: { toleranceSeconds?: number; now?: Date } = {},
): WebhookSignatureCheck {
  if (signatureHeader === undefined || signatureHeader.trim() === '') return { valid: false, reason: 'missing' };
  const timestampPart = signatureHeader.split(',').find((part) => part.trim().startsWith('t='));
  const timestamp = Number(timestampPart?.trim().slice(2));
  if (timestampPart === undefined || !Number.isSafeInteger(timestamp)) return { valid: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { valid: false, reason: 'expired' };
  try {
    // The window was checked above with the caller's tolerance; the payments check then only compares MACs, in constant time.
    verifySignature(secret, rawBody, signatureHeader, new Date(timestamp * 1000));
    return { valid: true, timestamp };
  } catch (error) {
    if (error instanceof WebhookSignatureError) return { valid: false, reason: 'mismatch' };
    throw error;
  }
}
