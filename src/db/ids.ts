import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A random public id such as `usr_3k9x...`: 20 characters of Crockford base32, 100 bits. */
export function newId(prefix: string): string {
  const bytes = randomBytes(20);
  let id = `${prefix}_`;
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}
