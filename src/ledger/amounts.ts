import { LedgerError } from './errors.js';

/** Largest amount or balance the ledger stores: a signed 64-bit integer. */
const MAX_AMOUNT = 2n ** 63n - 1n;
const MIN_BALANCE = -(2n ** 63n);

/** An amount in the smallest unit: a bigint, a safe integer number, or a string of decimal digits. */
export type AmountInput = bigint | number | string;

/** Parses a strictly positive integer amount no larger than 2^63-1. */
export function parseAmount(value: unknown, field = 'amount'): bigint {
  let amount: bigint;
  if (typeof value === 'bigint') {
    amount = value;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new LedgerError('invalid_amount', `${field} must be an integer number of the smallest unit, got ${value}`);
    }
    amount = BigInt(value);
  } else if (typeof value === 'string' && /^[0-9]{1,30}$/.test(value)) {
    amount = BigInt(value);
  } else {
    throw new LedgerError('invalid_amount', `${field} must be a positive integer, got ${JSON.stringify(String(value))}`);
  }
  if (amount <= 0n) throw new LedgerError('invalid_amount', `${field} must be greater than zero, got ${amount}`);
  if (amount > MAX_AMOUNT) throw new LedgerError('invalid_amount', `${field} exceeds the largest amount (2^63-1), got ${amount}`);
  return amount;
}

export function fitsInBalance(value: bigint): boolean {
  return value >= MIN_BALANCE && value <= MAX_AMOUNT;
}
