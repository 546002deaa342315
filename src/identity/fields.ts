import { isRegionCode } from '../config/index.js';
import { charCount, CONTROL_CHARACTERS } from '../gifts/index.js';
import { isAsset } from '../ledger/index.js';
import type { DomainErrorCodeOf } from '../shared/error-codes.js';
import { DomainError } from '../shared/errors.js';

export const PERSON_NAME_MIN_CHARS = 2;
export const PERSON_NAME_MAX_CHARS = 100;

/** A person's name as typed, trimmed and with runs of white space made one space; or a 400 about `param`. */
export function checkPersonName(value: string, param: string, what: string): string {
  const name = value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  const chars = charCount(name);
  if (CONTROL_CHARACTERS.test(value) || chars < PERSON_NAME_MIN_CHARS || chars > PERSON_NAME_MAX_CHARS) {
    throw DomainError.invalidField(param, 'invalid_name', `${what} is ${PERSON_NAME_MIN_CHARS} to ${PERSON_NAME_MAX_CHARS} characters on one line.`);
  }
  return name;
}

/**
 * What two spellings of one name share: compatibility-decomposed (NFKD), without
 * diacritics, lower-case, white space folded. "José  MARÍA" and "jose maria" match.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** An ISO 3166-1 alpha-2 code, upper-cased; or a 400 about `param`. */
export function checkCountry(value: string, param: string): string {
  const code = value.trim().toUpperCase();
  if (!isRegionCode(code)) throw DomainError.invalidField(param, 'invalid_country', `${JSON.stringify(value)} is not an ISO 3166-1 alpha-2 country code, such as US or DE.`);
  return code;
}

/** An ISO 4217 currency code, upper-cased; or a 400 about `param`. */
export function checkCurrency(value: string, param: string): string {
  const code = value.trim().toUpperCase();
  // COIN and DIAMOND are assets too, but not three letters.
  if (!/^[A-Z]{3}$/.test(code) || !isAsset(code)) throw DomainError.invalidField(param, 'invalid_currency', `${JSON.stringify(value)} is not an ISO 4217 currency code, such as USD or EUR.`);
  return code;
}

/**
 * A document or account number as providers compare them: letters upper-cased,
 * spaces and hyphens dropped, `minChars` to `maxChars` letters and digits; or a 400 about `param`.
 */
export function checkReferenceNumber(value: string, refusal: { param: string; code: DomainErrorCodeOf<'invalid'>; what: string }, minChars: number, maxChars: number): string {
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  if (!new RegExp(`^[A-Z0-9]{${minChars},${maxChars}}$`).test(compact)) {
    throw DomainError.invalidField(refusal.param, refusal.code, `${refusal.what} is ${minChars} to ${maxChars} letters and digits (spaces and hyphens are ignored).`);
  }
  return compact;
}

/** The last four characters, the only part of a number ever shown again. */
export function lastFour(value: string): string {
  return value.slice(-4);
}
