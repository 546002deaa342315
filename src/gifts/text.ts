import { createHash } from 'node:crypto';
import { DomainError } from '../shared/errors.js';

export const CONTROL_CHARACTERS = /\p{Cc}/u;

/** Length in characters as people count them: an emoji outside the BMP is one, not two UTF-16 units. */
export function charCount(text: string): number {
  return [...text].length;
}

/** Who may put text into a live: the room's mutes and bans, which cover paid messages and cheers as they cover chat. */
export interface TextModeration {
  /** Refuses (403 `muted` or `banned`) a user who may not put text into the live. */
  assertMayPost(liveId: string, userId: string): Promise<void>;
}

/**
 * A message a viewer pays to show, trimmed: 1 to `maxChars` characters without control characters
 * (line breaks included), or a 400 about `text`; `tooLong` words the refusal of a long one.
 */
export function checkMessageText(text: string, what: string, maxChars: number, tooLong: (chars: number) => string): string {
  const trimmed = text.trim();
  const chars = charCount(trimmed);
  if (chars === 0) throw DomainError.invalidField('text', 'invalid_text', `${what} needs text: 1 to ${maxChars} characters.`);
  if (CONTROL_CHARACTERS.test(trimmed)) throw DomainError.invalidField('text', 'invalid_text', `${what} is one line of text without control characters.`);
  if (chars > maxChars) throw DomainError.invalidField('text', 'text_too_long', tooLong(chars));
  return trimmed;
}

/**
 * What a payment's ledger metadata records of its text, so a retry with the same key must carry the
 * same text: a digest, keeping what viewers typed out of the immutable journal (it is in the outbox messages).
 */
export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
