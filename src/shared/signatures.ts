import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

// Signed webhooks, in and out: payment and payout providers sign what they send, and so do operators' webhooks.

/** A webhook whose signature is missing, wrong, or too old to accept. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

/** Makes a route scope read JSON bodies as text: a signature covers the exact bytes that were signed. */
export function readJsonAsText(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
}

/** How old a signed webhook may be: older ones are replays. */
const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, the scheme well-known payment providers use. */
export function signPayload(secret: string, rawBody: string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function verifySignature(secret: string, rawBody: string, header: string | undefined, now: Date): void {
  if (!header) throw new WebhookSignatureError('The webhook has no signature header.');
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2);
    if (key && value) parts.set(key.trim(), [...(parts.get(key.trim()) ?? []), value.trim()]);
  }
  const timestamp = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(timestamp)) throw new WebhookSignatureError('The webhook signature has no timestamp.');
  if (Math.abs(now.getTime() - timestamp * 1000) > SIGNATURE_TOLERANCE_MS) {
    throw new WebhookSignatureError('The webhook signature is too old or from the future; a replay is refused.');
  }
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  const matches = (parts.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookSignatureError('The webhook signature does not match its body.');
}
