import { fitsInBalance } from './amounts.js';
import { LedgerError } from './errors.js';
import { transferIdOf, transferSeqOf, type NormalizedRequest } from './requests.js';
import { addCounter, type BalanceRow, type CounterRow, type EntryRow, type LedgerTx, type OutboxRow, type RecordRow, type TransferRow } from './store.js';
import type { AuthorizedVersion, CounterInput, Leg, RecordInput, Sweep, Transfer, TransferType } from './types.js';

export type Outcome = { ok: true; transfer: Transfer } | { ok: false; error: LedgerError };

/** What a batch decided for one request: the transfer as what its request does not already say (see CommittedTransfer), or the refusal. */
export type Applied = { ok: true; committed: CommittedTransfer } | { ok: false; error: LedgerError };

/** What one committed batch did: an outcome per request, and the outbox messages it wrote, in order. */
export interface BatchResult {
  outcomes: Outcome[];
  outbox: OutboxRow[];
}

/** A stored transfer with its legs, as the batch needs it to replay, post, void or reverse. */
interface KnownTransfer {
  row: TransferRow;
  legs: Leg[];
}

/**
 * Applies a batch of requests inside one write transaction. Each request is
 * checked against balances as left by the requests before it, in order, so a
 * refused request fails alone and changes nothing; every other one is written.
 * Throws only on database failure, which rolls back the whole batch.
 */
export async function applyBatch(tx: LedgerTx, requests: NormalizedRequest[], clockMs: () => number = Date.now): Promise<Applied[]> {
  const batch = await loadBatchState(tx, requests);
  const createdAt = new Date().toISOString();
  const applied = requests.map((request): Applied => {
    try {
      return { ok: true, committed: applyOne(batch, request, createdAt) };
    } catch (error) {
      if (error instanceof LedgerError) return { ok: false, error };
      throw error;
    }
  });
  if (batch.newTransfers.length > 0) {
    await tx.insert(batch.newTransfers, batch.newEntries, batch.newOutbox);
    // In key order, so two batches on PostgreSQL lock shared rows in the same order.
    if (batch.newCounters.size > 0) {
      const totals = await tx.addToCounters(
        [...batch.newCounters].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, counter]) => counter),
        clockMs,
      );
      giveCounterTotals(batch.counted, totals);
      for (const { row, addTotal, transfer } of batch.recordsWithTotals) {
        row[addTotal.column] = BigInt(row[addTotal.column]!) + transfer.counterTotals![addTotal.counter]![addTotal.counterColumn]!;
      }
      // Rows written only with a counter that moved its row: a plain counter always does, a windowed one when its row has totals.
      for (const { counters, rowIds, recordsIfCounted } of batch.counted) {
        for (const { record, counterIndex } of recordsIfCounted) if (counters[counterIndex]!.window === undefined || totals.has(rowIds[counterIndex]!)) batch.newRecords.push(record);
      }
    }
    if (batch.newRecords.length > 0) await tx.insertRecords(batch.newRecords);
    await tx.updateBalances([...batch.changedAccounts].map((id) => batch.accounts.get(id)!));
  }
  return applied;
}

interface BatchState {
  /** Transfers by idempotency key: stored ones and those this batch created. */
  byKey: Map<string, KnownTransfer>;
  /** Transfers by seq that requests refer to (pending ones to resolve, ones to reverse), plus those this batch created. */
  bySeq: Map<bigint, KnownTransfer>;
  resolvedPendingSeqs: Set<bigint>;
  reversedSeqs: Set<bigint>;
  /** Sequence numbers for the transfers this batch creates, taken in order (the next is at newTransfers.length). */
  freeSeqs: bigint[];
  accounts: Map<string, BalanceRow>;
  changedAccounts: Set<string>;
  newTransfers: TransferRow[];
  newEntries: EntryRow[];
  newOutbox: OutboxRow[];
  newRecords: RecordRow[];
  /** Counters of the created transfers summed per row, by table and key: one write per row for the batch. */
  newCounters: Map<string, CounterRow>;
  /** The created transfers that move counters, in order, with their counters' row ids and the rows written only when a counter moved. */
  counted: { transfer: CommittedTransfer; counters: CounterInput[]; rowIds: string[]; recordsIfCounted: { record: RecordRow; counterIndex: number }[] }[];
  /** Rows of the created transfers that take a counter's total once the batch wrote the counters. */
  recordsWithTotals: { row: RecordRow['row']; addTotal: NonNullable<RecordInput['addTotal']>; transfer: CommittedTransfer }[];
}

async function loadBatchState(tx: LedgerTx, requests: NormalizedRequest[]): Promise<BatchState> {
  const accountIds = new Set<string>();
  for (const request of requests) {
    for (const leg of request.legs) accountIds.add(leg.accountId);
    for (const authorized of request.authorizedVersions) accountIds.add(authorized.accountId);
    for (const sweep of request.sweeps) accountIds.add(sweep.from).add(sweep.to);
  }
  // Asked together, so PostgreSQL answers them in one round trip. Sequence numbers are taken once the accounts
  // are held, so each account's entries are numbered in commit order. A batch that refers to earlier transfers
  // (posting, voiding, reversing) locks their accounts too, all in id order: only once it has read them.
  const refersToTransfers = requests.some((r) => r.targetSeq !== null);
  const [keyRows, requestAccounts, requestSeqs] = await Promise.all([
    tx.transfersByKeys(unique(requests.map((r) => r.idempotencyKey))),
    refersToTransfers ? undefined : tx.lockAccounts([...accountIds].sort()),
    refersToTransfers ? undefined : tx.reserveSeqs(requests.length),
  ]);
  const storedKeys = new Set(keyRows.map((row) => row.idempotency_key));
  const targetSeqs = unique(requests.filter((r) => r.targetSeq !== null && !storedKeys.has(r.idempotencyKey)).map((r) => r.targetSeq!));
  const targets = (targetSeqs.length > 0 ? await tx.transfersBySeqs(targetSeqs) : []).map(known);
  const pendingSeqs = targets.filter((t) => t.row.type === 'pending').map((t) => t.row.seq);
  const reversibleSeqs = targets.filter((t) => t.row.type !== 'pending').map((t) => t.row.seq);
  for (const target of targets) for (const leg of target.legs) accountIds.add(leg.accountId);
  const accounts = requestAccounts ?? (await tx.lockAccounts([...accountIds].sort()));
  const freeSeqs = requestSeqs ?? (await tx.reserveSeqs(requests.length));

  return {
    byKey: new Map(keyRows.map((row) => [row.idempotency_key, known(row)])),
    bySeq: new Map(targets.map((t) => [t.row.seq, t])),
    resolvedPendingSeqs: new Set(pendingSeqs.length > 0 ? await tx.resolvedPendingSeqs(pendingSeqs) : []),
    reversedSeqs: new Set(reversibleSeqs.length > 0 ? await tx.reversedSeqs(reversibleSeqs) : []),
    freeSeqs,
    accounts: new Map(accounts.map((a) => [a.id, a])),
    changedAccounts: new Set(),
    newTransfers: [],
    newEntries: [],
    newOutbox: [],
    newRecords: [],
    newCounters: new Map(),
    counted: [],
    recordsWithTotals: [],
  };
}

/** The outbox rows of a transfer the request created, in its messages' order. */
function pushOutboxRows(into: OutboxRow[], request: NormalizedRequest, seq: bigint, createdAt: string): void {
  request.outbox.forEach((message, position) =>
    into.push({ transfer_seq: seq, position: BigInt(position), topic: message.topic, payload: message.payloadJson, created_at: createdAt, published_at: null }),
  );
}

/**
 * What a transfer's answer holds that its request does not already say: its id, when it was made, whether it
 * was made before (a replay's request matched its hash, so its type, target, metadata and, for posted and
 * pending transfers, legs are the request's), its counters' totals, and the legs the batch decided (sweeps,
 * and transfers that post, void or reverse another). A store answers this, and the batching writer rebuilds the
 * whole transfer and its outbox rows from the request (resultOf): the SQLite writer thread clones back nothing the
 * request holds, and builds no transfer only to drop it.
 */
export interface CommittedTransfer {
  id: string;
  createdAt: string;
  replayed: boolean;
  counterTotals?: Transfer['counterTotals'];
  legs?: Leg[];
}

/** A transfer as its answer needs it: the legs only when the batch decided them (every type but posted and pending). */
function committedTransfer(request: NormalizedRequest, { row, legs }: KnownTransfer, replayed: boolean): CommittedTransfer {
  const committed: CommittedTransfer = { id: transferIdOf(row.seq), createdAt: row.created_at, replayed };
  if (request.type !== 'posted' && request.type !== 'pending') committed.legs = legs;
  return committed;
}

/** A batch's result from its requests and what the batch decided: each transfer whole, and the outbox rows of those it created. */
export function resultOf(requests: NormalizedRequest[], sent: Applied[]): BatchResult {
  const outbox: OutboxRow[] = [];
  const outcomes = sent.map((outcome, index): Outcome => {
    if (!outcome.ok) return outcome;
    const request = requests[index]!;
    const { committed } = outcome;
    if (!committed.replayed && request.outbox.length > 0) pushOutboxRows(outbox, request, transferSeqOf(committed.id, 'transfer_not_found'), committed.createdAt);
    const target = request.targetSeq === null ? null : transferIdOf(request.targetSeq);
    const transfer: Transfer = {
      id: committed.id,
      idempotencyKey: request.idempotencyKey,
      type: request.type === 'sweep' ? 'posted' : request.type,
      legs: committed.legs ?? request.legs,
      pendingId: request.type === 'post_pending' || request.type === 'void_pending' ? target : null,
      reversesId: request.type === 'reversal' ? target : null,
      forceNegative: request.forceNegative,
      metadata: JSON.parse(request.metadataJson) as Transfer['metadata'],
      createdAt: committed.createdAt,
      replayed: committed.replayed,
    };
    if (committed.counterTotals) transfer.counterTotals = committed.counterTotals;
    return { ok: true, transfer };
  });
  return { outcomes, outbox };
}

/** Stored legs are [accountId, asset, signed amount as a string]. */
type StoredLeg = [string, string, string];

function known(row: TransferRow): KnownTransfer {
  const legs = (JSON.parse(row.legs) as StoredLeg[]).map(([accountId, asset, amount]): Leg => {
    const signedAmount = BigInt(amount);
    return signedAmount < 0n ? { accountId, asset, direction: 'debit', amount: -signedAmount } : { accountId, asset, direction: 'credit', amount: signedAmount };
  });
  return { row, legs };
}

function legsJson(legs: Leg[]): string {
  return JSON.stringify(legs.map((leg): StoredLeg => [leg.accountId, leg.asset, signed(leg).toString()]));
}

function applyOne(batch: BatchState, request: NormalizedRequest, createdAt: string): CommittedTransfer {
  const earlier = batch.byKey.get(request.idempotencyKey);
  if (earlier) {
    if (earlier.row.request_hash !== request.requestHash) {
      const transferId = transferIdOf(earlier.row.seq);
      throw new LedgerError('idempotency_conflict', `idempotency key ${request.idempotencyKey} was already used for a different transfer (${transferId})`, { transferId });
    }
    return committedTransfer(request, earlier, true);
  }
  for (const authorized of request.authorizedVersions) checkAuthorization(batch, authorized);

  let legs: Leg[];
  switch (request.type) {
    case 'posted':
      legs = request.legs;
      applyPosted(batch, legs, request.forceNegative);
      break;
    case 'pending':
      legs = request.legs;
      applyPending(batch, legs, request.forceNegative);
      break;
    case 'post_pending':
    case 'void_pending': {
      const pending = pendingToResolve(batch, request.targetSeq!);
      legs = request.type === 'post_pending' ? pending.legs : [];
      resolvePending(batch, pending.legs, request.type === 'post_pending');
      batch.resolvedPendingSeqs.add(pending.row.seq);
      break;
    }
    case 'sweep':
      legs = sweepLegs(batch, request.sweeps);
      applyPosted(batch, legs, false);
      break;
    case 'reversal': {
      const target = transferToReverse(batch, request.targetSeq!);
      legs = target.legs.map((leg) => ({ accountId: leg.accountId, asset: leg.asset, direction: leg.direction === 'debit' ? 'credit' : 'debit', amount: leg.amount }));
      applyPosted(batch, legs, request.forceNegative);
      batch.reversedSeqs.add(target.row.seq);
      break;
    }
  }

  const row: TransferRow = {
    seq: batch.freeSeqs[batch.newTransfers.length]!,
    idempotency_key: request.idempotencyKey,
    request_hash: request.requestHash,
    type: request.type === 'sweep' ? 'posted' : request.type,
    pending_seq: request.type === 'post_pending' || request.type === 'void_pending' ? request.targetSeq : null,
    reverses_seq: request.type === 'reversal' ? request.targetSeq : null,
    force_negative: request.forceNegative ? 1n : 0n,
    legs: legsJson(legs),
    metadata: request.metadataJson,
    created_at: createdAt,
  };
  const created: KnownTransfer = { row, legs };
  batch.newTransfers.push(row);
  for (const leg of legs) batch.newEntries.push({ account_id: leg.accountId, transfer_seq: row.seq, amount: signed(leg) });
  pushOutboxRows(batch.newOutbox, request, row.seq, createdAt);
  const transfer = committedTransfer(request, created, false);
  const recordsIfCounted: { record: RecordRow; counterIndex: number }[] = [];
  for (const record of request.records) {
    // A row that takes a total is the batch's own copy: the total is added to it, never to the request's row.
    const written: RecordRow = {
      table: record.table,
      row: record.transferIdColumn !== undefined ? Object.assign({}, record.row, { [record.transferIdColumn]: transferIdOf(row.seq) }) : record.addTotal !== undefined ? { ...record.row } : record.row,
    };
    if (record.addTotal) batch.recordsWithTotals.push({ row: written.row, addTotal: record.addTotal, transfer });
    if (record.ifCounted === undefined) batch.newRecords.push(written);
    else recordsIfCounted.push({ record: written, counterIndex: record.ifCounted });
  }
  batch.byKey.set(row.idempotency_key, created);
  batch.bySeq.set(row.seq, created);
  if (request.counters.length > 0) {
    batch.counted.push({ transfer, counters: request.counters, rowIds: request.counters.map((counter) => addCounter(batch.newCounters, counter)), recordsIfCounted });
  }
  return transfer;
}

/**
 * Tells each created transfer what its counters' rows held right after it, for the counters that asked: the
 * rows' totals once the batch was written, less what the transfers after it in the batch added. Rows are locked
 * (or the database written by one connection) for the batch, so these are the totals in commit order, as no
 * other writer saw them. A counter that did not ask gets null, and so does a windowed one whose row the batch
 * did not move. Only rows some counter asked about are followed back through the batch.
 */
function giveCounterTotals(counted: BatchState['counted'], totals: Map<string, Record<string, bigint>>): void {
  const running = new Map<string, Record<string, bigint>>();
  for (const { counters, rowIds } of counted) {
    for (let position = 0; position < counters.length; position++) {
      const id = rowIds[position]!;
      const columns = counters[position]!.totals ? totals.get(id) : undefined;
      if (columns && !running.has(id)) running.set(id, { ...columns });
    }
  }
  for (let index = counted.length - 1; index >= 0; index--) {
    const { transfer, counters, rowIds } = counted[index]!;
    const given = new Array<Record<string, bigint> | null>(counters.length);
    // Every counter of the transfer on one row is told the same total, so all are read before any is taken off.
    for (let position = 0; position < counters.length; position++) {
      const row = counters[position]!.totals ? running.get(rowIds[position]!) : undefined;
      given[position] = row ? { ...row } : null;
    }
    for (let position = 0; position < counters.length; position++) {
      const row = running.get(rowIds[position]!);
      const { add } = counters[position]!;
      if (row) for (const column in add) row[column] = row[column]! - BigInt(add[column]!);
    }
    transfer.counterTotals = given;
  }
}

/** Refuses a request decided under an authorization that has changed since (a restriction, a closure, a session ended). */
function checkAuthorization(batch: BatchState, authorized: AuthorizedVersion): void {
  const account = batch.accounts.get(authorized.accountId);
  if (!account) throw new LedgerError('unknown_account', `no account ${authorized.accountId}`, { accountId: authorized.accountId });
  if (account.authorization_version !== authorized.version) {
    throw new LedgerError('authorization_changed', `what the owner of ${account.id} may do changed after the request was authorized`, { accountId: account.id });
  }
}

/** Posts legs at once. All limits are checked before any balance changes, so a refusal leaves nothing behind. */
function applyPosted(batch: BatchState, legs: Leg[], forceNegative: boolean): void {
  const next = new Map<string, bigint>();
  for (const [account, delta] of netPerAccount(batch, legs)) {
    const posted = account.posted + delta;
    if (!fitsInBalance(posted)) throw overflow(account);
    if (delta < 0n && account.may_go_negative === 0n && !forceNegative && posted - account.pending_debits < 0n) {
      throw insufficient(account, -delta);
    }
    next.set(account.id, posted);
  }
  for (const [id, posted] of next) {
    batch.accounts.get(id)!.posted = posted;
    batch.changedAccounts.add(id);
  }
}

/** The legs that empty each sweep's source as it stands in this batch; sources with nothing available add none. */
function sweepLegs(batch: BatchState, sweeps: Sweep[]): Leg[] {
  const legs: Leg[] = [];
  for (const { from, to, asset } of sweeps) {
    const source = accountFor(batch, { accountId: from, asset, direction: 'debit', amount: 0n });
    accountFor(batch, { accountId: to, asset, direction: 'credit', amount: 0n });
    const available = source.posted - source.pending_debits;
    if (available <= 0n) continue;
    legs.push({ accountId: from, asset, direction: 'debit', amount: available }, { accountId: to, asset, direction: 'credit', amount: available });
  }
  if (legs.length === 0) throw new LedgerError('nothing_to_sweep', 'no account to sweep has anything available', { accounts: sweeps.map((sweep) => sweep.from) });
  return legs;
}

/** Reserves debits and announces credits without moving posted balances. */
function applyPending(batch: BatchState, legs: Leg[], forceNegative: boolean): void {
  const next = new Map<string, { debits: bigint; credits: bigint }>();
  for (const leg of legs) {
    const account = accountFor(batch, leg);
    const current = next.get(account.id) ?? { debits: account.pending_debits, credits: account.pending_credits };
    if (leg.direction === 'debit') current.debits += leg.amount;
    else current.credits += leg.amount;
    if (!fitsInBalance(current.debits) || !fitsInBalance(current.credits)) throw overflow(account);
    next.set(account.id, current);
  }
  for (const [id, reserved] of next) {
    const account = batch.accounts.get(id)!;
    const added = reserved.debits - account.pending_debits;
    if (added > 0n && account.may_go_negative === 0n && !forceNegative && account.posted - reserved.debits < 0n) {
      throw insufficient(account, added);
    }
  }
  for (const [id, reserved] of next) {
    const account = batch.accounts.get(id)!;
    account.pending_debits = reserved.debits;
    account.pending_credits = reserved.credits;
    batch.changedAccounts.add(id);
  }
}

/** Releases a pending transfer's reservations and, when posting, moves its legs into posted balances. */
function resolvePending(batch: BatchState, legs: Leg[], post: boolean): void {
  const changes = legs.map((leg) => {
    const account = accountFor(batch, leg);
    return { account, leg, posted: post ? account.posted + signed(leg) : account.posted };
  });
  for (const change of changes) if (!fitsInBalance(change.posted)) throw overflow(change.account);
  for (const { account, leg } of changes) {
    if (leg.direction === 'debit') account.pending_debits -= leg.amount;
    else account.pending_credits -= leg.amount;
    if (post) account.posted += signed(leg);
    batch.changedAccounts.add(account.id);
  }
}

function pendingToResolve(batch: BatchState, pendingSeq: bigint): KnownTransfer {
  const pendingId = transferIdOf(pendingSeq);
  const pending = batch.bySeq.get(pendingSeq);
  if (!pending || pending.row.type !== 'pending') {
    throw new LedgerError('pending_not_found', `no pending transfer ${pendingId}`, { pendingId });
  }
  if (batch.resolvedPendingSeqs.has(pendingSeq)) {
    throw new LedgerError('pending_already_resolved', `pending transfer ${pendingId} was already posted or voided`, { pendingId });
  }
  return pending;
}

function transferToReverse(batch: BatchState, transferSeq: bigint): KnownTransfer {
  const transferId = transferIdOf(transferSeq);
  const target = batch.bySeq.get(transferSeq);
  if (!target) throw new LedgerError('transfer_not_found', `no transfer ${transferId}`, { transferId });
  if (target.row.type !== 'posted' && target.row.type !== 'post_pending') {
    throw new LedgerError('not_reversible', `a ${target.row.type} transfer cannot be reversed`, { transferId });
  }
  if (batch.reversedSeqs.has(transferSeq)) {
    throw new LedgerError('already_reversed', `transfer ${transferId} was already reversed`, { transferId });
  }
  return target;
}

function netPerAccount(batch: BatchState, legs: Leg[]): Map<BalanceRow, bigint> {
  const net = new Map<BalanceRow, bigint>();
  for (const leg of legs) {
    const account = accountFor(batch, leg);
    net.set(account, (net.get(account) ?? 0n) + signed(leg));
  }
  return net;
}

function accountFor(batch: BatchState, leg: Leg): BalanceRow {
  const account = batch.accounts.get(leg.accountId);
  if (!account) throw new LedgerError('unknown_account', `no account ${leg.accountId}`, { accountId: leg.accountId });
  if (account.asset !== leg.asset) {
    throw new LedgerError('asset_mismatch', `account ${account.id} holds ${account.asset}, not ${leg.asset}`, {
      accountId: account.id,
      accountAsset: account.asset,
      legAsset: leg.asset,
    });
  }
  return account;
}

function signed(leg: Leg): bigint {
  return leg.direction === 'credit' ? leg.amount : -leg.amount;
}

function insufficient(account: BalanceRow, required: bigint): LedgerError {
  const available = account.posted - account.pending_debits;
  return new LedgerError('insufficient_funds', `account ${account.id} has ${available} ${account.asset} available, needs ${required}`, {
    accountId: account.id,
    asset: account.asset,
    available: available.toString(),
    required: required.toString(),
  });
}

function overflow(account: BalanceRow): LedgerError {
  return new LedgerError('balance_overflow', `the balance of ${account.id} would leave the signed 64-bit range`, { accountId: account.id });
}

/** A stored row as callers see it. */
export function storedTransfer(row: TransferRow, replayed: boolean): Transfer {
  return toTransfer(known(row), replayed);
}

function toTransfer(stored: KnownTransfer, replayed: boolean): Transfer {
  const { row } = stored;
  return {
    id: transferIdOf(row.seq),
    idempotencyKey: row.idempotency_key,
    type: row.type as TransferType,
    legs: stored.legs,
    pendingId: row.pending_seq === null ? null : transferIdOf(row.pending_seq),
    reversesId: row.reverses_seq === null ? null : transferIdOf(row.reverses_seq),
    forceNegative: row.force_negative === 1n,
    metadata: JSON.parse(row.metadata) as Transfer['metadata'],
    createdAt: row.created_at,
    replayed,
  };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
