import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A bearer secret: 256 random bits, URL-safe, with a prefix that says what it is (and lets secret scanners find leaks). */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Secrets are stored as their SHA-256: enough for 256-bit random values, and a leaked table grants nothing. */
export function secretHash(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
