import { randomUUID } from 'node:crypto';
import { fitsInBalance } from './amounts.js';
import { LedgerError } from './errors.js';
import type { NormalizedRequest } from './requests.js';
import type { BalanceRow, EntryRow, LedgerTx, TransferRow } from './store.js';
import type { Leg, Transfer, TransferType } from './types.js';

export type Outcome = { ok: true; transfer: Transfer } | { ok: false; error: LedgerError };

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
export async function applyBatch(tx: LedgerTx, requests: NormalizedRequest[]): Promise<Outcome[]> {
  const batch = await loadBatchState(tx, requests);
  const createdAt = new Date().toISOString();
  const outcomes = requests.map((request): Outcome => {
    try {
      return { ok: true, transfer: applyOne(batch, request, createdAt) };
    } catch (error) {
      if (error instanceof LedgerError) return { ok: false, error };
      throw error;
    }
  });
  if (batch.newTransfers.length > 0) {
    await tx.insert(batch.newTransfers, batch.newEntries);
    await tx.updateBalances([...batch.changedAccounts].map((id) => batch.accounts.get(id)!));
  }
  return outcomes;
}

interface BatchState {
  /** Transfers by idempotency key: stored ones and those this batch created. */
  byKey: Map<string, KnownTransfer>;
  /** Transfers by id that requests refer to (pending ones to resolve, ones to reverse), plus those this batch created. */
  byId: Map<string, KnownTransfer>;
  resolvedPendingIds: Set<string>;
  reversedIds: Set<string>;
  accounts: Map<string, BalanceRow>;
  changedAccounts: Set<string>;
  newTransfers: TransferRow[];
  newEntries: EntryRow[];
}

async function loadBatchState(tx: LedgerTx, requests: NormalizedRequest[]): Promise<BatchState> {
  const keyRows = await tx.transfersByKeys(unique(requests.map((r) => r.idempotencyKey)));
  const storedKeys = new Set(keyRows.map((row) => row.idempotency_key));
  const targetIds = unique(requests.filter((r) => r.targetId !== null && !storedKeys.has(r.idempotencyKey)).map((r) => r.targetId!));
  const targetRows = targetIds.length > 0 ? await tx.transfersByIds(targetIds) : [];
  const known = await withLegs(tx, [...keyRows, ...targetRows]);
  const targets = known.filter((t) => targetIds.includes(t.row.id));
  const pendingTargetIds = targets.filter((t) => t.row.type === 'pending').map((t) => t.row.id);
  const reversibleTargetIds = targets.filter((t) => t.row.type !== 'pending').map((t) => t.row.id);

  const accountIds = new Set<string>();
  for (const request of requests) for (const leg of request.legs) accountIds.add(leg.accountId);
  for (const target of targets) for (const leg of target.legs) accountIds.add(leg.accountId);
  const accounts = await tx.lockAccounts([...accountIds].sort());

  return {
    byKey: new Map(known.filter((t) => storedKeys.has(t.row.idempotency_key)).map((t) => [t.row.idempotency_key, t])),
    byId: new Map(targets.map((t) => [t.row.id, t])),
    resolvedPendingIds: new Set(pendingTargetIds.length > 0 ? await tx.resolvedPendingIds(pendingTargetIds) : []),
    reversedIds: new Set(reversibleTargetIds.length > 0 ? await tx.reversedIds(reversibleTargetIds) : []),
    accounts: new Map(accounts.map((a) => [a.id, a])),
    changedAccounts: new Set(),
    newTransfers: [],
    newEntries: [],
  };
}

async function withLegs(tx: LedgerTx, rows: TransferRow[]): Promise<KnownTransfer[]> {
  if (rows.length === 0) return [];
  const legsByTransfer = groupLegs(await tx.entriesOf(unique(rows.map((row) => row.id))));
  const seen = new Set<string>();
  return rows
    .filter((row) => !seen.has(row.id) && seen.add(row.id))
    .map((row) => ({ row, legs: legsByTransfer.get(row.id) ?? [] }));
}

export function groupLegs(entries: EntryRow[]): Map<string, Leg[]> {
  const byTransfer = new Map<string, Leg[]>();
  for (const entry of entries) {
    const leg: Leg = {
      accountId: entry.account_id,
      asset: entry.asset,
      direction: entry.amount < 0n ? 'debit' : 'credit',
      amount: entry.amount < 0n ? -entry.amount : entry.amount,
    };
    const legs = byTransfer.get(entry.transfer_id);
    if (legs) legs.push(leg);
    else byTransfer.set(entry.transfer_id, [leg]);
  }
  return byTransfer;
}

function applyOne(batch: BatchState, request: NormalizedRequest, createdAt: string): Transfer {
  const earlier = batch.byKey.get(request.idempotencyKey);
  if (earlier) {
    if (earlier.row.request_hash !== request.requestHash) {
      throw new LedgerError(
        'idempotency_conflict',
        `idempotency key ${request.idempotencyKey} was already used for a different transfer (${earlier.row.id})`,
        { transferId: earlier.row.id },
      );
    }
    return toTransfer(earlier, true);
  }

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
      const pending = pendingToResolve(batch, request.targetId!);
      legs = request.type === 'post_pending' ? pending.legs : [];
      resolvePending(batch, pending.legs, request.type === 'post_pending');
      batch.resolvedPendingIds.add(pending.row.id);
      break;
    }
    case 'reversal': {
      const target = transferToReverse(batch, request.targetId!);
      legs = target.legs.map((leg) => ({ ...leg, direction: leg.direction === 'debit' ? 'credit' : 'debit' }));
      applyPosted(batch, legs, request.forceNegative);
      batch.reversedIds.add(target.row.id);
      break;
    }
  }

  const row: TransferRow = {
    id: `tr_${randomUUID().replaceAll('-', '')}`,
    idempotency_key: request.idempotencyKey,
    request_hash: request.requestHash,
    type: request.type,
    pending_id: request.type === 'post_pending' || request.type === 'void_pending' ? request.targetId : null,
    reverses_id: request.type === 'reversal' ? request.targetId : null,
    force_negative: request.forceNegative ? 1n : 0n,
    metadata: request.metadataJson,
    created_at: createdAt,
  };
  const created: KnownTransfer = { row, legs };
  batch.newTransfers.push(row);
  for (const leg of legs) {
    batch.newEntries.push({ transfer_id: row.id, account_id: leg.accountId, asset: leg.asset, amount: signed(leg) });
  }
  batch.byKey.set(row.idempotency_key, created);
  batch.byId.set(row.id, created);
  return toTransfer(created, false);
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

function pendingToResolve(batch: BatchState, pendingId: string): KnownTransfer {
  const pending = batch.byId.get(pendingId);
  if (!pending || pending.row.type !== 'pending') {
    throw new LedgerError('pending_not_found', `no pending transfer ${pendingId}`, { pendingId });
  }
  if (batch.resolvedPendingIds.has(pendingId)) {
    throw new LedgerError('pending_already_resolved', `pending transfer ${pendingId} was already posted or voided`, { pendingId });
  }
  return pending;
}

function transferToReverse(batch: BatchState, transferId: string): KnownTransfer {
  const target = batch.byId.get(transferId);
  if (!target) throw new LedgerError('transfer_not_found', `no transfer ${transferId}`, { transferId });
  if (target.row.type !== 'posted' && target.row.type !== 'post_pending') {
    throw new LedgerError('not_reversible', `a ${target.row.type} transfer cannot be reversed`, { transferId });
  }
  if (batch.reversedIds.has(transferId)) {
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

export function toTransfer(known: KnownTransfer, replayed: boolean): Transfer {
  const { row } = known;
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    type: row.type as TransferType,
    legs: known.legs,
    pendingId: row.pending_id,
    reversesId: row.reverses_id,
    forceNegative: row.force_negative === 1n,
    metadata: JSON.parse(row.metadata) as Transfer['metadata'],
    createdAt: row.created_at,
    replayed,
  };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
