import { hash } from 'node:crypto';
import { parseAmount } from './amounts.js';
import { assertAsset } from './assets.js';
import { LedgerError } from './errors.js';
import type { AuthorizedVersion, CounterInput, Leg, RecordInput, Sweep, TransferRequest } from './types.js';

const MAX_KEY_LENGTH = 255;
const MAX_LEGS = 64;
const MAX_METADATA_BYTES = 8 * 1024;
const MAX_OUTBOX_MESSAGES = 8;
const MAX_COUNTERS = 16;
const MAX_TOPIC_LENGTH = 100;
const TYPES: readonly TransferRequest['type'][] = ['posted', 'pending', 'post_pending', 'void_pending', 'reversal', 'sweep'];

/** A request checked for shape and balance, with the hash that identifies its content for idempotency. */
export interface NormalizedRequest {
  type: TransferRequest['type'];
  idempotencyKey: string;
  legs: Leg[];
  /** sweep: what to sweep; its legs are decided when the batch applies it. */
  sweeps: Sweep[];
  /** post_pending and void_pending: the pending transfer; reversal: the transfer to reverse. */
  targetSeq: bigint | null;
  forceNegative: boolean;
  metadataJson: string;
  outbox: { topic: string; payloadJson: string }[];
  authorizedVersions: AuthorizedVersion[];
  records: RecordInput[];
  counters: CounterInput[];
  requestHash: string;
}

/** Checks everything that needs no database: shape, amounts, assets, balance per asset. Throws LedgerError. */
export function normalizeRequest(request: TransferRequest): NormalizedRequest {
  if (typeof request !== 'object' || request === null) throw invalid('a transfer request must be an object');
  const { idempotencyKey, type } = request;
  if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY_LENGTH) {
    throw invalid(`idempotencyKey must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (!TYPES.includes(type)) throw invalid(`type must be one of ${TYPES.join(', ')}`);
  const metadataJson = metadataJsonOf(request.metadata);
  const outbox = outboxOf(request.outbox);
  const counters = countersOf(request.counters);
  const records = recordsOf(request.records, counters);

  let legs: Leg[] = [];
  let sweeps: Sweep[] = [];
  let targetSeq: bigint | null = null;
  let forceNegative = false;
  let authorizedVersions: AuthorizedVersion[] = [];
  if (request.type === 'posted' || request.type === 'pending') {
    legs = checkLegs(request.legs);
    forceNegative = checkFlag(request.forceNegative, 'forceNegative');
    authorizedVersions = checkAuthorizedVersions(request.authorizedVersions);
  } else if (request.type === 'reversal') {
    rejectFields(request, ['legs', 'pendingId']);
    targetSeq = transferSeqOf(checkId(request.transferId, 'transferId'), 'transfer_not_found');
    forceNegative = checkFlag(request.forceNegative, 'forceNegative');
  } else if (request.type === 'post_pending' || request.type === 'void_pending') {
    // A pending transfer moves exactly what it reserved; nothing about it can change at post time.
    rejectFields(request, ['legs', 'transferId', 'forceNegative']);
    targetSeq = transferSeqOf(checkId(request.pendingId, 'pendingId'), 'pending_not_found');
  } else if (request.type === 'sweep') {
    rejectFields(request, ['legs', 'pendingId', 'transferId', 'forceNegative']);
    sweeps = checkSweeps(request.sweeps);
  }

  // JSON.stringify quotes and escapes each part, so no two different requests produce the same content.
  // Stored hashes depend on this exact string: changing it turns every later replay into a conflict.
  const parts: (string | boolean | null)[] = [type, targetSeq === null ? null : targetSeq.toString(), forceNegative, metadataJson];
  for (const leg of legs) parts.push(`${leg.direction} ${leg.asset} ${leg.amount} ${leg.accountId}`);
  for (const sweep of sweeps) parts.push(`sweep ${sweep.asset} ${sweep.from} ${sweep.to}`);
  const requestHash = hash('sha256', JSON.stringify(parts), 'base64url');
  return { type, idempotencyKey, legs, sweeps, targetSeq, forceNegative, metadataJson, outbox, authorizedVersions, records, counters, requestHash };
}

function outboxOf(value: unknown): NormalizedRequest['outbox'] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_OUTBOX_MESSAGES) throw invalid(`outbox must be an array of at most ${MAX_OUTBOX_MESSAGES} messages`);
  return value.map((message: unknown, index) => {
    const { topic, payload } = (message ?? {}) as { topic?: unknown; payload?: unknown };
    if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) throw invalid(`outbox[${index}].topic must be a string of 1 to ${MAX_TOPIC_LENGTH} characters`);
    return { topic, payloadJson: jsonObjectOf(payload, `outbox[${index}].payload`, JSON.stringify) };
  });
}

/** A table or column name written into SQL: plain lower-case words, never the ledger's own tables. */
const SQL_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** Names that passed SQL_NAME: every payment names the same few tables and columns, so most checks are one lookup. */
const sqlNames = new Set<string>();
const MAX_SQL_NAMES = 10_000;

function isSqlName(name: string): boolean {
  if (sqlNames.has(name)) return true;
  if (!SQL_NAME.test(name)) return false;
  if (sqlNames.size < MAX_SQL_NAMES) sqlNames.add(name);
  return true;
}
const LEDGER_TABLES = new Set(['ledger_accounts', 'ledger_transfers', 'ledger_entries', 'outbox']);

function recordsOf(value: unknown, counters: readonly CounterInput[]): RecordInput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_OUTBOX_MESSAGES) throw invalid(`records must be an array of at most ${MAX_OUTBOX_MESSAGES} rows`);
  const records = new Array<RecordInput>(value.length);
  for (let index = 0; index < value.length; index++) {
    const { table, row, transferIdColumn, ifCounted, addTotal } = (value[index] ?? {}) as Partial<RecordInput>;
    if (typeof table !== 'string' || !isSqlName(table) || LEDGER_TABLES.has(table)) throw invalid(`records[${index}].table must name a table outside the ledger`);
    if (transferIdColumn !== undefined && (typeof transferIdColumn !== 'string' || !isSqlName(transferIdColumn))) throw invalid(`records[${index}].transferIdColumn must name a column`);
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw invalid(`records[${index}].row must be an object`);
    // Copied as checked: a caller changing its row after submitting cannot change what is written.
    const copy: RecordInput['row'] = {};
    for (const column in row) {
      if (!isSqlName(column)) throw invalid(`records[${index}].row has a column named ${JSON.stringify(column)}`);
      const cell = row[column]!;
      if (cell !== null && typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'bigint') {
        throw invalid(`records[${index}].row.${column} must be a string, a number, a bigint or null`);
      }
      copy[column] = cell;
    }
    if (ifCounted !== undefined && (!Number.isSafeInteger(ifCounted) || ifCounted < 0 || ifCounted >= counters.length))
      throw invalid(`records[${index}].ifCounted must be the position of one of the counters`);
    records[index] = { table, row: copy, transferIdColumn, ifCounted, addTotal: addTotal === undefined ? undefined : addTotalOf(addTotal, copy, counters, index) };
  }
  return records;
}

function addTotalOf(value: unknown, row: RecordInput['row'], counters: readonly CounterInput[], index: number): NonNullable<RecordInput['addTotal']> {
  const { column, counter, counterColumn } = (value ?? {}) as Partial<NonNullable<RecordInput['addTotal']>>;
  if (typeof column !== 'string' || !(column in row) || (typeof row[column] !== 'bigint' && !Number.isSafeInteger(row[column]))) {
    throw invalid(`records[${index}].addTotal.column must name an integer column of the row`);
  }
  const from = typeof counter === 'number' ? counters[counter] : undefined;
  if (!from?.totals || typeof counterColumn !== 'string' || !(counterColumn in from.add)) {
    throw invalid(`records[${index}].addTotal must name a counter that asks for its totals, and one of the columns it adds to`);
  }
  return { column, counter: counter!, counterColumn };
}

function countersOf(value: unknown): CounterInput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_COUNTERS) throw invalid(`counters must be an array of at most ${MAX_COUNTERS} rows`);
  const counters = new Array<CounterInput>(value.length);
  for (let index = 0; index < value.length; index++) counters[index] = counterOf(value[index], index);
  return counters;
}

/** One counter checked, and copied as checked: each payment sends several, so no list of names is made to check them. */
function counterOf(counter: unknown, index: number): CounterInput {
  const { table, key, add, window, totals } = (counter ?? {}) as Partial<CounterInput>;
  if (typeof table !== 'string' || !isSqlName(table) || LEDGER_TABLES.has(table)) throw invalid(`counters[${index}].table must name a table outside the ledger`);
  if (typeof key !== 'object' || key === null) throw invalid(`counters[${index}].key must name the row's key columns`);
  if (typeof add !== 'object' || add === null) throw invalid(`counters[${index}].add must name the columns to add to`);
  const checkedKey: Record<string, string> = {};
  let keyColumns = 0;
  for (const column in key) {
    const cell = key[column];
    if (!isSqlName(column) || typeof cell !== 'string') throw invalid(`counters[${index}].key.${column} must be a column holding a string`);
    checkedKey[column] = cell;
    keyColumns++;
  }
  if (keyColumns === 0) throw invalid(`counters[${index}].key must name the row's key columns`);
  const checkedAdd: Record<string, number | bigint> = {};
  let addColumns = 0;
  for (const column in add) {
    const amount = add[column]!;
    if (!isSqlName(column) || column in key) throw invalid(`counters[${index}].add has a column named ${JSON.stringify(column)}`);
    if (typeof amount !== 'bigint' && !Number.isSafeInteger(amount)) throw invalid(`counters[${index}].add.${column} must be a whole number`);
    checkedAdd[column] = amount;
    addColumns++;
  }
  if (addColumns === 0) throw invalid(`counters[${index}].add must name the columns to add to`);
  if (totals !== undefined && typeof totals !== 'boolean') throw invalid(`counters[${index}].totals must be a boolean`);
  const checked: CounterInput = { table, key: checkedKey, add: checkedAdd };
  if (totals) checked.totals = true;
  if (window === undefined) return checked;
  const { from, until } = (window ?? {}) as Partial<NonNullable<CounterInput['window']>>;
  for (const column of [from, until]) {
    if (typeof column !== 'string' || !isSqlName(column) || column in key || column in add) throw invalid(`counters[${index}].window must name two columns outside its key and amounts`);
  }
  checked.window = { from: from!, until: until! };
  return checked;
}

function checkLegs(input: unknown): Leg[] {
  if (!Array.isArray(input) || input.length === 0) throw invalid('legs must be a non-empty array');
  if (input.length > MAX_LEGS) throw invalid(`a transfer has at most ${MAX_LEGS} legs`);
  const legs = input.map((raw, index): Leg => {
    if (typeof raw !== 'object' || raw === null) throw invalid(`legs[${index}] must be an object`);
    const leg = raw as Record<string, unknown>;
    const accountId = checkId(leg.accountId, `legs[${index}].accountId`);
    const asset = assertAsset(leg.asset);
    if (leg.direction !== 'debit' && leg.direction !== 'credit') throw invalid(`legs[${index}].direction must be debit or credit`);
    return { accountId, asset, direction: leg.direction, amount: parseAmount(leg.amount, `legs[${index}].amount`) };
  });
  const netByAsset = new Map<string, bigint>();
  const accounts = new Set<string>();
  for (const leg of legs) {
    if (accounts.has(leg.accountId)) throw invalid(`account ${leg.accountId} appears in more than one leg`);
    accounts.add(leg.accountId);
    const signed = leg.direction === 'credit' ? leg.amount : -leg.amount;
    netByAsset.set(leg.asset, (netByAsset.get(leg.asset) ?? 0n) + signed);
  }
  for (const [asset, net] of netByAsset) {
    if (net !== 0n) {
      throw new LedgerError('unbalanced', `legs in ${asset} do not balance: credits minus debits is ${net}`, { asset, net: net.toString() });
    }
  }
  return legs;
}

function checkAuthorizedVersions(input: unknown): AuthorizedVersion[] {
  if (input === undefined) return [];
  if (!Array.isArray(input) || input.length > MAX_LEGS) throw invalid(`authorizedVersions must be an array of at most ${MAX_LEGS} accounts`);
  return input.map((raw, index): AuthorizedVersion => {
    const { accountId, version } = (raw ?? {}) as { accountId?: unknown; version?: unknown };
    if (typeof version !== 'bigint' || version < 0n) throw invalid(`authorizedVersions[${index}].version must be a bigint of 0 or more`);
    return { accountId: checkId(accountId, `authorizedVersions[${index}].accountId`), version };
  });
}

function checkSweeps(input: unknown): Sweep[] {
  if (!Array.isArray(input) || input.length === 0) throw invalid('sweeps must be a non-empty array');
  if (input.length * 2 > MAX_LEGS) throw invalid(`a sweep has at most ${MAX_LEGS / 2} parts`);
  const accounts = new Set<string>();
  return input.map((raw, index): Sweep => {
    if (typeof raw !== 'object' || raw === null) throw invalid(`sweeps[${index}] must be an object`);
    const part = raw as Record<string, unknown>;
    const sweep = { from: checkId(part.from, `sweeps[${index}].from`), to: checkId(part.to, `sweeps[${index}].to`), asset: assertAsset(part.asset) };
    for (const accountId of [sweep.from, sweep.to]) {
      if (accounts.has(accountId)) throw invalid(`account ${accountId} appears in more than one leg`);
      accounts.add(accountId);
    }
    return sweep;
  });
}

/** Transfer ids are `tr_` and the transfer's sequence number. */
export function transferIdOf(seq: bigint): string {
  return `tr_${seq}`;
}

export function transferSeqOf(id: string, notFound: 'transfer_not_found' | 'pending_not_found'): bigint {
  const match = /^tr_([1-9][0-9]{0,18})$/.exec(id);
  const seq = match ? BigInt(match[1]!) : 0n;
  if (seq === 0n || seq > 2n ** 63n - 1n) throw new LedgerError(notFound, `no transfer ${id}`, { transferId: id });
  return seq;
}

/** Refuses fields that belong to other request types, rather than ignoring what the caller meant. */
function rejectFields(request: object, fields: string[]): void {
  const present = fields.filter((field) => (request as Record<string, unknown>)[field] !== undefined);
  if (present.length > 0) throw invalid(`${present.join(', ')} cannot be given with this transfer type`);
}

function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) throw invalid(`${field} must be a non-empty string`);
  return value;
}

function checkFlag(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(`${field} must be a boolean`);
  return value;
}

/** Metadata as stored and hashed: canonical, so equal content always hashes the same. */
function metadataJsonOf(value: unknown): string {
  if (value === undefined) return '{}';
  return jsonObjectOf(value, 'metadata', canonicalJson);
}

/** An object as JSON of at most MAX_METADATA_BYTES; outbox payloads are not hashed, so plain JSON.stringify serves them. */
function jsonObjectOf(value: unknown, field: string, stringify: (value: unknown) => string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be an object`);
  let json: string;
  try {
    json = stringify(value);
  } catch {
    throw invalid(`${field} must be JSON-serializable (no bigint or cycles)`);
  }
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most documents are short enough to need no count.
  if (json.length * 3 > MAX_METADATA_BYTES && Buffer.byteLength(json) > MAX_METADATA_BYTES) throw invalid(`${field} is larger than ${MAX_METADATA_BYTES} bytes`);
  return json;
}

/** JSON with object keys sorted, so equal content always hashes the same. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Built by concatenation: every payment passes through here, and map/filter/join allocate an array per level.
  let json: string;
  if (Array.isArray(value)) {
    json = '[';
    for (let index = 0; index < value.length; index++) json += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return json + ']';
  }
  const record = value as Record<string, unknown>;
  json = '{';
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (field !== undefined) json += (json.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(field);
  }
  return json + '}';
}

function invalid(message: string): LedgerError {
  return new LedgerError('invalid_request', message);
}
