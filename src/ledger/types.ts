import type { AmountInput } from './amounts.js';

export type Direction = 'debit' | 'credit';

/** One side of a transfer: a debit takes value out of an account, a credit puts value in. */
export interface LegInput {
  accountId: string;
  asset: string;
  direction: Direction;
  amount: AmountInput;
}

export interface Leg {
  accountId: string;
  asset: string;
  direction: Direction;
  amount: bigint;
}

export type Metadata = Record<string, unknown>;

interface RequestBase {
  /** Chosen by the caller; a retry with the same key and content returns the original transfer. */
  idempotencyKey: string;
  metadata?: Metadata;
  /**
   * Messages committed in the same transaction as the transfer, for delivery after commit (room
   * events, operator webhooks): a message exists if and only if its transfer does. Only the request
   * that creates the transfer writes them; a replay writes none. Not part of the idempotency check.
   */
  outbox?: OutboxMessageInput[];
  /**
   * Rows of other modules' tables written in the same transaction as the transfer, such as a
   * projection for boards and totals: a row exists if and only if its transfer does, and costs no
   * commit of its own. Only the request that creates the transfer writes them; a replay writes none.
   * A row whose key is already taken is skipped. Not part of the idempotency check.
   */
  records?: RecordInput[];
  /**
   * Running totals in other modules' tables (a ranking, a lifetime sum) moved in the same transaction
   * as the transfer: each adds to the row with its key, created at zero when missing. Like records,
   * only the request that creates the transfer adds them. Not part of the idempotency check.
   */
  counters?: CounterInput[];
}

/** A row for another table, committed with its transfer. */
export interface RecordInput {
  table: string;
  row: Record<string, string | number | bigint | null>;
  /** The column that receives the transfer's id (`tr_<seq>`), which is only known once the batch applies it. */
  transferIdColumn?: string;
  /** The position of one of the request's counters: the row is written only when that counter moved its row (a windowed counter may not). */
  ifCounted?: number;
  /**
   * Adds to the row's integer `column` the total of `counterColumn` in the row of counter `counter` (a position
   * among the request's counters, one asking for its totals) right after this transfer, in commit order: a
   * record of what a running total stood at when the transfer committed.
   */
  addTotal?: { column: string; counter: number; counterColumn: string };
}

/** Amounts added to one row of another table, found by its key columns (its primary key). */
export interface CounterInput {
  table: string;
  key: Record<string, string>;
  /** Integer columns and what to add to each; negative to take away. */
  add: Record<string, number | bigint>;
  /**
   * Makes the counter count only inside a window its row holds: two integer columns of the row, in epoch
   * milliseconds. Such a counter moves an existing row only (it never creates one), and only when the writer's
   * clock, read for the batch, is at or after `from` and before `until` as the row stands once held; otherwise it moves
   * nothing and its totals are null. Closing a window (setting `until` to `from`) waits for every batch that
   * holds the row, so once it committed no counter moves the row again. Every counter of a row names the same window.
   */
  window?: { from: string; until: string };
  /**
   * Asks for the row's totals right after this transfer in the answer's `counterTotals`; without it that entry is
   * null. Most counters only add (rankings), and a total built and sent back for each of them costs every payment.
   */
  totals?: boolean;
}

export interface OutboxMessageInput {
  /** What the message is about, such as `live:<id>` or `webhook`. */
  topic: string;
  payload: Metadata;
}

/** Moves value at once (`posted`) or reserves it (`pending`) until posted or voided. */
export interface MovementRequest extends RequestBase {
  type: 'posted' | 'pending';
  legs: LegInput[];
  /** Lets wallets go below zero: only for chargeback clawbacks. */
  forceNegative?: boolean;
  /**
   * The authorization versions the caller decided under, each read from its account before the
   * caller read what it decided on (sessions, restrictions, closure). Checked inside the serialized
   * write: if any account's version has moved since, the request is refused with
   * `authorization_changed` and writes nothing. Not part of the idempotency check.
   */
  authorizedVersions?: AuthorizedVersion[];
}

/** An account's authorization version as a caller read it. */
export interface AuthorizedVersion {
  accountId: string;
  version: bigint;
}

/** Posts or voids a pending transfer, each at most once. */
export interface ResolveRequest extends RequestBase {
  type: 'post_pending' | 'void_pending';
  pendingId: string;
}

/** Undoes a posted transfer by a new transfer with every leg turned around. */
export interface ReversalRequest extends RequestBase {
  type: 'reversal';
  transferId: string;
  forceNegative?: boolean;
}

/** One account swept into another: everything `from` has available in `asset`. */
export interface Sweep {
  from: string;
  to: string;
  asset: string;
}

/**
 * Moves everything each `from` account has available (posted less reserved debits) when the batch
 * applies the request into its `to` account. The amounts are decided inside the serialized write, so a
 * transfer racing the sweep can neither leave a remainder behind nor make it fail for want of funds.
 * Stored as a posted transfer with the amounts it moved; refused with `nothing_to_sweep` when every
 * `from` account is empty, and then nothing is stored.
 */
export interface SweepRequest extends RequestBase {
  type: 'sweep';
  sweeps: Sweep[];
}

export type TransferRequest = MovementRequest | ResolveRequest | ReversalRequest | SweepRequest;
/** The types of stored transfers: a sweep is stored as the posted transfer it became. */
export type TransferType = Exclude<TransferRequest['type'], 'sweep'>;

export interface Transfer {
  id: string;
  idempotencyKey: string;
  type: TransferType;
  /** What moved. For post_pending, the pending transfer's legs; empty for void_pending. */
  legs: Leg[];
  pendingId: string | null;
  reversesId: string | null;
  forceNegative: boolean;
  metadata: Metadata;
  createdAt: string;
  /** True when this answer is the stored result of an earlier request with the same key. */
  replayed: boolean;
  /**
   * For the request that created the transfer: what each of its counters' rows held right after it, in the
   * order of `counters` (the amount columns of each row). A transfer that crossed a mark in a total is the one
   * whose total before (this less its own amount) was below it. Null for a counter that did not ask for its
   * totals (`totals`), and for a windowed counter that did not count.
   */
  counterTotals?: (Record<string, bigint> | null)[];
}

export type AccountKind = 'user_coin' | 'user_diamond' | 'platform';

export interface AccountSpec {
  id: string;
  asset: string;
  kind: AccountKind;
  ownerId?: string | null;
  /** Platform issuance accounts go negative as they issue value; wallets never do (but for forced clawbacks). */
  mayGoNegative: boolean;
}

export interface Account {
  id: string;
  asset: string;
  kind: AccountKind;
  ownerId: string | null;
  mayGoNegative: boolean;
  /** Credits minus debits of posted transfers. */
  posted: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
  /** What can be spent now: posted minus reserved debits. */
  available: bigint;
  /** Moves whenever what its owner may do changes (restrictions, sessions, closure): see `authorizedVersions`. */
  authorizationVersion: bigint;
  createdAt: string;
}

export interface Entry {
  transferId: string;
  transferType: TransferType;
  accountId: string;
  asset: string;
  /** Signed: positive credited the account, negative debited it. */
  amount: bigint;
  /** The transfer's metadata: what the movement was for. */
  metadata: Metadata;
  createdAt: string;
}
