import { sql, type RawBuilder } from 'kysely';
import type { Database, Engine } from '../db/index.js';
import { journalWithResolutions, transferIdOf, transferSeqOf, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { csvOf } from '../shared/csv.js';
import { DomainError } from '../shared/errors.js';

export type WalletAsset = 'coins' | 'diamonds';
export type TransactionStatus = 'pending' | 'posted' | 'voided';

/** One movement of a wallet, as its owner sees it. */
export interface WalletTransaction {
  /** The ledger transfer. A hold is listed once, under its pending transfer, whether it was later posted or voided. */
  id: string;
  at: string;
  status: TransactionStatus;
  kind: string;
  direction: 'credit' | 'debit';
  /** The wallet's side of the transfer, in whole coins or diamonds. */
  amount: bigint;
  description: string;
  reference: { orderId?: string; reversesTransferId?: string };
  /** For a payment between people: who was paid (a debit) or who paid (a credit). */
  counterparty?: { userId: string; handle: string; displayName: string };
  /** For a gift: which, and how many in this one send. */
  gift?: { id: string; name: string; quantity: number };
}

/** Names for the people and gifts a wallet's payments name, from the modules that own them. */
export interface TransactionNames {
  users(userIds: readonly string[]): Promise<Map<string, { handle: string; displayName: string }>>;
  /** Every gift's name by id, retired gifts included. */
  gifts(): Promise<Map<string, string>>;
}

export interface TransactionFilter {
  asset: WalletAsset;
  kind?: string;
  /** ISO date or date-time, inclusive. */
  from?: string;
  /** ISO date or date-time, exclusive. */
  to?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Only transactions committed after this transfer (its id, `tr_…`). */
  afterTransferId?: string;
}

export interface TransactionPage {
  transactions: WalletTransaction[];
  /** Pass as `cursor` for older transactions; null when there are none. */
  nextCursor: string | null;
}

const MAX_SEQ = 2n ** 63n - 1n;

/**
 * A wallet's transactions, newest first, `limit` at a time. Pages are keyed on
 * the ledger's transfer sequence, not an offset, so transfers committed while
 * a client pages never shift a page or show an entry twice.
 */
export async function listWalletTransactions(db: Database, userId: string, filter: TransactionFilter, limit: number, names?: TransactionNames): Promise<TransactionPage> {
  const accountId = filter.asset === 'coins' ? userCoinWalletId(userId) : userDiamondWalletId(userId);
  const from = filter.from === undefined ? undefined : instantOf(filter.from, 'from');
  const to = filter.to === undefined ? undefined : instantOf(filter.to, 'to');
  if (from !== undefined && to !== undefined && to <= from) throw DomainError.invalidField('to', 'invalid_date_range', '"to" must be later than "from".');
  const kind = transferKind(db.engine, 't');

  let query = journalWithResolutions(db.kysely, accountId)
    .select(['e.transfer_seq', 'e.amount', 't.type', 't.reverses_seq', 't.metadata', 't.created_at', 'r.type as resolved_by', kind.as('kind')])
    // A posted hold repeats the hold's entries; the hold's own row stands for both.
    .where('t.type', '!=', 'post_pending');
  if (filter.cursor !== undefined) query = query.where('e.transfer_seq', '<', seqOfCursor(filter.cursor));
  if (filter.afterTransferId !== undefined) query = query.where('e.transfer_seq', '>', transferSeqOf(filter.afterTransferId, 'transfer_not_found'));
  if (filter.kind !== undefined) query = query.where(kind, '=', filter.kind);
  // created_at is always toISOString()'s fixed-width UTC form, so text order is time order.
  if (from !== undefined) query = query.where('t.created_at', '>=', from);
  if (to !== undefined) query = query.where('t.created_at', '<', to);
  const rows = await query
    .orderBy('e.transfer_seq', 'desc')
    .limit(limit + 1)
    .execute();

  const shown = rows.slice(0, limit);
  const parties = shown.map((row) => partiesOf(row.metadata, row.amount < 0n ? 'debit' : 'credit'));
  const userNames = names ? await names.users([...new Set(parties.flatMap((party) => (party.userId === undefined ? [] : [party.userId])))]) : new Map();
  const giftNames = names && parties.some((party) => party.gift) ? await names.gifts() : new Map<string, string>();
  return {
    transactions: shown.map((row, index) => {
      const direction = row.amount < 0n ? 'debit' : 'credit';
      const reference = referenceOf(row.metadata, row.reverses_seq);
      const amount = row.amount < 0n ? -row.amount : row.amount;
      const { userId: partyId, gift } = parties[index]!;
      const party = partyId === undefined ? undefined : userNames.get(partyId);
      const giftName = gift === undefined ? undefined : giftNames.get(gift.id);
      return {
        ...(party ? { counterparty: { userId: partyId!, handle: party.handle, displayName: party.displayName } } : {}),
        ...(gift && giftName !== undefined ? { gift: { ...gift, name: giftName } } : {}),
        id: transferIdOf(row.transfer_seq),
        at: row.created_at,
        status: statusOf(row.type, row.resolved_by),
        kind: row.kind,
        direction,
        amount,
        description: describeTransaction(row.kind, direction, quantity(amount, filter.asset), reference),
        reference,
      };
    }),
    nextCursor: rows.length > limit ? cursorOf(shown[shown.length - 1]!.transfer_seq) : null,
  };
}

/**
 * The `metadata.kind` of the transfer under `alias` when it is a string;
 * otherwise `reversal` for reversals and `transfer` for the rest. One SQL
 * expression serves both filters and answers, so they cannot disagree.
 */
export function transferKind(engine: Engine, alias: string): RawBuilder<string> {
  const metadata = sql.ref(`${alias}.metadata`);
  const stated =
    engine === 'sqlite'
      ? sql`CASE WHEN json_type(${metadata}, '$.kind') = 'text' THEN json_extract(${metadata}, '$.kind') END`
      : sql`CASE WHEN jsonb_typeof(${metadata}::jsonb -> 'kind') = 'string' THEN ${metadata}::jsonb ->> 'kind' END`;
  return sql<string>`COALESCE(${stated}, CASE WHEN ${sql.ref(`${alias}.type`)} = 'reversal' THEN 'reversal' ELSE 'transfer' END)`;
}

/** What a transfer refers to, from its stored metadata (JSON) and the transfer it reverses. */
export function referenceOf(metadataJson: string, reversesSeq: bigint | null): WalletTransaction['reference'] {
  const metadata = JSON.parse(metadataJson) as Record<string, unknown>;
  const reference: WalletTransaction['reference'] = {};
  if (typeof metadata.orderId === 'string') reference.orderId = metadata.orderId;
  if (reversesSeq !== null) reference.reversesTransferId = transferIdOf(reversesSeq);
  return reference;
}

/** Payments between people: the transfer's metadata names the payer and the creator paid. */
const PAYMENTS_BETWEEN_PEOPLE: ReadonlySet<unknown> = new Set(['gift', 'paid_message', 'cheer', 'subscription', 'content_unlock']);

/** The other person of a payment (the creator paid, or the payer) and the gift sent, from the transfer's metadata (JSON). */
function partiesOf(metadataJson: string, direction: WalletTransaction['direction']): { userId?: string; gift?: { id: string; quantity: number } } {
  const metadata = JSON.parse(metadataJson) as Record<string, unknown>;
  if (!PAYMENTS_BETWEEN_PEOPLE.has(metadata.kind)) return {};
  const other = direction === 'debit' ? metadata.creatorId : metadata.senderId;
  return {
    ...(typeof other === 'string' ? { userId: other } : {}),
    ...(metadata.kind === 'gift' && typeof metadata.giftId === 'string' ? { gift: { id: metadata.giftId, quantity: typeof metadata.quantity === 'number' ? metadata.quantity : 1 } } : {}),
  };
}

/** A hold is pending until a post_pending or void_pending resolves it; every other transfer is posted when written. */
function statusOf(type: string, resolvedBy: string | null): TransactionStatus {
  if (type !== 'pending' || resolvedBy === 'post_pending') return 'posted';
  return resolvedBy === null ? 'pending' : 'voided';
}

/** A sentence for people about one movement; `amount` is already worded, such as "60 diamonds". */
export function describeTransaction(kind: string, direction: WalletTransaction['direction'], amount: string, reference: WalletTransaction['reference']): string {
  const order = reference.orderId === undefined ? '' : ` (order ${reference.orderId})`;
  switch (kind) {
    case 'coin_purchase':
      return `Bought ${amount}${order}`;
    case 'goodwill':
      return `Goodwill from support: ${amount}`;
    case 'chargeback_clawback':
      return `${amount} taken back: the payment was charged back${order}`;
    case 'coin_refund':
      return `${amount} removed: the purchase was refunded${order}`;
    case 'gift':
      return direction === 'credit' ? `Earned ${amount} from gifts` : `Spent ${amount} on gifts`;
    case 'paid_message':
      return direction === 'credit' ? `Earned ${amount} from a paid message` : `Spent ${amount} on a paid message`;
    case 'cheer':
      return direction === 'credit' ? `Earned ${amount} from a cheer` : `Spent ${amount} on a cheer`;
    case 'subscription':
      return direction === 'credit' ? `Earned ${amount} from a subscription` : `Spent ${amount} on a subscription`;
    case 'content_unlock':
      return direction === 'credit' ? `Earned ${amount} from paid content` : `Spent ${amount} on paid content`;
    case 'payout_hold':
      return `${amount} for a payout`;
    case 'payout_paid':
      return `Paid out ${amount}`;
    case 'payout_return':
      return `${amount} back: a payout was returned`;
    case 'gift_clawback':
      return `${amount} taken back: a payer's purchase was charged back${order}`;
    case 'reversal':
      return `${amount} ${direction === 'credit' ? 'returned' : 'taken back'}: transfer ${reference.reversesTransferId} was reversed`;
    default:
      return `${direction === 'credit' ? 'Credited' : 'Debited'} ${amount}`;
  }
}

/** "1 diamond", "60 diamonds". */
export function quantity(amount: bigint, asset: WalletAsset): string {
  return `${amount} ${amount === 1n ? asset.slice(0, -1) : asset}`;
}

/** A validated ISO date (midnight UTC) or date-time as the ledger's created_at text. */
export function instantOf(value: string, param: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw DomainError.invalidField(param, 'invalid_date', `"${param}" must be an ISO date or a date-time with a time zone.`);
  return date.toISOString();
}

/** An opaque page cursor for a transfer sequence. */
export function cursorOf(seq: bigint): string {
  return Buffer.from(`tx:${seq}`).toString('base64url');
}

/** The transfer sequence of a cursor from cursorOf; 400 invalid_cursor for anything else. */
export function seqOfCursor(cursor: string): bigint {
  const match = /^tx:([1-9][0-9]{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  const seq = match ? BigInt(match[1]!) : 0n;
  if (seq === 0n || seq > MAX_SEQ || cursorOf(seq) !== cursor) {
    throw DomainError.invalidField('cursor', 'invalid_cursor', 'cursor must be the nextCursor of a previous page; leave it out to start from the newest.');
  }
  return seq;
}

const CSV_COLUMNS = ['id', 'at', 'status', 'kind', 'direction', 'amount', 'description', 'orderId', 'reversesTransferId'] as const;

/** A CSV document (RFC 4180) of transactions: a header row, then one row each. */
export function transactionsCsv(transactions: WalletTransaction[]): string {
  return csvOf([
    [...CSV_COLUMNS],
    ...transactions.map((t) => [t.id, t.at, t.status, t.kind, t.direction, String(t.amount), t.description, t.reference.orderId ?? '', t.reference.reversesTransferId ?? '']),
  ]);
}
