import type { NormalizedRequest } from './requests.js';
import type { CounterInput, RecordInput } from './types.js';

/**
 * A request as it is posted to the SQLite writer thread. Structured clone rebuilds every object property by
 * property, which costs far more than the same values in a list: a gift's request took 18 µs to rebuild in
 * the thread as objects and 8 µs in this form, a four-leg transfer 4.2 µs and 1.6 µs (docs/performance.md).
 * So the parts each request has many of (legs, messages, versions, records, counters) travel as flat lists,
 * a fixed number of values each, and the parts most requests leave empty do not travel at all. Rows, keys,
 * amounts and windows stay objects: they are the caller's own shapes, and the thread writes them as they are;
 * so do sweeps, which few requests have.
 */
export type WireRequest =
  | [type: NormalizedRequest['type'], idempotencyKey: string, requestHash: string, metadataJson: string, legs: unknown[]]
  | [type: NormalizedRequest['type'], idempotencyKey: string, requestHash: string, metadataJson: string, legs: unknown[], rest: WireRest];

/** Everything but the legs, sent only when one of them is not empty. The lists are flat: see the counts below. */
type WireRest = [sweeps: NormalizedRequest['sweeps'], targetSeq: bigint | null, forceNegative: boolean, outbox: unknown[], authorizedVersions: unknown[], records: unknown[], counters: unknown[]];

/** Values per item in each flat list. */
const LEG_VALUES = 4;
const MESSAGE_VALUES = 2;
const VERSION_VALUES = 2;
const RECORD_VALUES = 5;
const COUNTER_VALUES = 5;

export function toWire(request: NormalizedRequest): WireRequest {
  const legs: unknown[] = [];
  for (const leg of request.legs) legs.push(leg.accountId, leg.asset, leg.direction, leg.amount);
  const { type, idempotencyKey, requestHash, metadataJson, sweeps, targetSeq, forceNegative, outbox, authorizedVersions, records, counters } = request;
  if (sweeps.length + outbox.length + authorizedVersions.length + records.length + counters.length === 0 && targetSeq === null && !forceNegative) {
    return [type, idempotencyKey, requestHash, metadataJson, legs];
  }
  const messages: unknown[] = [];
  for (const message of outbox) messages.push(message.topic, message.payloadJson);
  const versions: unknown[] = [];
  for (const authorized of authorizedVersions) versions.push(authorized.accountId, authorized.version);
  const recordValues: unknown[] = [];
  for (const record of records) recordValues.push(record.table, record.row, record.transferIdColumn, record.ifCounted, record.addTotal);
  const counterValues: unknown[] = [];
  for (const counter of counters) counterValues.push(counter.table, counter.key, counter.add, counter.totals, counter.window);
  return [type, idempotencyKey, requestHash, metadataJson, legs, [sweeps, targetSeq, forceNegative, messages, versions, recordValues, counterValues]];
}

/** The request toWire was given, as normalizeRequest made it (the same fields, in the same order). */
export function fromWire(wire: WireRequest): NormalizedRequest {
  const [type, idempotencyKey, requestHash, metadataJson, legValues] = wire;
  const legs: NormalizedRequest['legs'] = [];
  for (let i = 0; i < legValues.length; i += LEG_VALUES) {
    legs.push({ accountId: legValues[i] as string, asset: legValues[i + 1] as string, direction: legValues[i + 2] as 'debit' | 'credit', amount: legValues[i + 3] as bigint });
  }
  const request: NormalizedRequest = {
    type,
    idempotencyKey,
    legs,
    sweeps: [],
    targetSeq: null,
    forceNegative: false,
    metadataJson,
    outbox: [],
    authorizedVersions: [],
    records: [],
    counters: [],
    requestHash,
  };
  if (wire.length === 5) return request;
  const [sweeps, targetSeq, forceNegative, messages, versions, recordValues, counterValues] = wire[5];
  request.sweeps = sweeps;
  request.targetSeq = targetSeq;
  request.forceNegative = forceNegative;
  for (let i = 0; i < messages.length; i += MESSAGE_VALUES) request.outbox.push({ topic: messages[i] as string, payloadJson: messages[i + 1] as string });
  for (let i = 0; i < versions.length; i += VERSION_VALUES) request.authorizedVersions.push({ accountId: versions[i] as string, version: versions[i + 1] as bigint });
  for (let i = 0; i < recordValues.length; i += RECORD_VALUES) {
    request.records.push({
      table: recordValues[i] as string,
      row: recordValues[i + 1] as RecordInput['row'],
      transferIdColumn: recordValues[i + 2] as string | undefined,
      ifCounted: recordValues[i + 3] as number | undefined,
      addTotal: recordValues[i + 4] as RecordInput['addTotal'],
    });
  }
  for (let i = 0; i < counterValues.length; i += COUNTER_VALUES) {
    // Optional fields only when set, as normalizeRequest leaves them.
    const counter: CounterInput = { table: counterValues[i] as string, key: counterValues[i + 1] as CounterInput['key'], add: counterValues[i + 2] as CounterInput['add'] };
    if (counterValues[i + 3]) counter.totals = true;
    if (counterValues[i + 4]) counter.window = counterValues[i + 4] as CounterInput['window'];
    request.counters.push(counter);
  }
  return request;
}
