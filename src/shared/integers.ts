/** A database integer as a JSON number; a value beyond 2^53 would lose digits, so it is refused loudly. */
export function safeNumber(value: bigint, what = 'value'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`${what} ${value} exceeds the JSON-safe range`);
  return Number(value);
}
