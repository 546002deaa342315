import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { auditEverything } from '../audit/index.js';
import { platformAccountId, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { transferIdOf } from '../ledger/requests.js';
import type { Answer, OperationRecord } from './client.js';

export interface Verification {
  /** Each one is a way the database disagrees with what the clients were told; a correct run has none. */
  discrepancies: string[];
  ordersPaid: number;
  /** Coins issued (bought and bonus) = coins in wallets + coins spent, from the ledger's accounts. */
  coins: { issued: bigint; inWallets: bigint; spent: bigint };
}

/** What each operation's acknowledged answer names: the transfer of a gift or paid message, the payout, the order. */
const ANSWER_ID: Partial<Record<OperationRecord['kind'], (body: Answer['body']) => string>> = {
  gift: (body) => body.gift.id,
  paid_message: (body) => body.paidMessage.id,
  payout: (body) => body.payout.id,
  order: (body) => body.order.id,
};

/**
 * Checks the database against what the clients were told after the run:
 * the audit passes; every acknowledged operation is there exactly once and
 * every retry replayed it; every paid order was credited once; each wallet
 * holds what its owner bought less what they spent (or earned less what
 * was paid out); and coins issued equal coins in wallets plus coins spent.
 */
export async function verifyRun(db: Database, records: OperationRecord[], exitCodes: (number | null)[]): Promise<Verification> {
  const discrepancies: string[] = [];
  const kysely = db.kysely;
  exitCodes.forEach((code, index) => code !== 0 && discrepancies.push(`process ${index} exited ${code} on SIGTERM instead of shutting down cleanly`));

  const audit = await auditEverything(db);
  for (const violation of audit.violations) discrepancies.push(`audit: ${violation}`);

  for (const record of records) {
    const idOf = ANSWER_ID[record.kind];
    if (idOf === undefined || record.answers.length === 0) continue;
    const ids = new Set(record.answers.map((answer) => idOf(answer.body)));
    if (ids.size > 1) discrepancies.push(`${record.kind} ${record.key}: a retry with the same key answered ${[...ids].join(' and ')}`);
    if (record.refusal) discrepancies.push(`${record.kind} ${record.key}: acknowledged, then a retry with the same key was refused with ${record.refusal.code}`);
  }

  const acknowledgedIds = (kind: OperationRecord['kind']) => records.filter((record) => record.kind === kind && record.answers.length > 0).map((record) => ANSWER_ID[kind]!(record.answers[0]!.body));
  const payments = [...acknowledgedIds('gift'), ...acknowledgedIds('paid_message')];
  const recorded = new Map<string, number>();
  for (const chunk of chunks(payments)) {
    const rows = await kysely
      .selectFrom('gift_events')
      .select(['transfer_id', kysely.fn.countAll<number>().as('count')])
      .where('transfer_id', 'in', chunk)
      .groupBy('transfer_id')
      .execute();
    for (const row of rows) recorded.set(row.transfer_id, Number(row.count));
  }
  const seqs = new Set<string>();
  for (const chunk of chunks(payments)) {
    const rows = await kysely
      .selectFrom('ledger_transfers')
      .select('seq')
      .where(
        'seq',
        'in',
        chunk.map((id) => BigInt(id.replace(/^tr_/, ''))),
      )
      .execute();
    for (const row of rows) seqs.add(transferIdOf(BigInt(row.seq)));
  }
  for (const id of payments) {
    if (recorded.get(id) !== 1) discrepancies.push(`acknowledged payment ${id} is recorded ${recorded.get(id) ?? 0} time(s), not once`);
    if (!seqs.has(id)) discrepancies.push(`acknowledged payment ${id} has no ledger transfer`);
  }

  const payoutIds = acknowledgedIds('payout');
  const payoutsFound = new Set<string>();
  for (const chunk of chunks(payoutIds)) {
    for (const row of await kysely.selectFrom('payouts').select('id').where('id', 'in', chunk).execute()) payoutsFound.add(row.id);
  }
  for (const id of payoutIds) if (!payoutsFound.has(id)) discrepancies.push(`acknowledged payout ${id} is missing`);

  // Every order paid at the provider is credited exactly once, and no other order is.
  const orderIds = acknowledgedIds('order');
  let ordersPaid = 0;
  for (const chunk of chunks(orderIds)) {
    const rows = await kysely
      .selectFrom('orders')
      .leftJoin('sandbox_payments', 'sandbox_payments.order_id', 'orders.id')
      .select(['orders.id', 'orders.status', 'sandbox_payments.status as paymentStatus'])
      .where('orders.id', 'in', chunk)
      .execute();
    const credits = await kysely
      .selectFrom('ledger_transfers')
      .select(['idempotency_key', kysely.fn.countAll<number>().as('count')])
      .where(
        'idempotency_key',
        'in',
        chunk.map((id) => `order_credit:${id}`),
      )
      .groupBy('idempotency_key')
      .execute();
    const creditCount = new Map(credits.map((row) => [row.idempotency_key, Number(row.count)]));
    for (const row of rows) {
      const paid = row.paymentStatus === 'succeeded';
      if (paid) ordersPaid++;
      const expected = paid ? 1 : 0;
      const actual = creditCount.get(`order_credit:${row.id}`) ?? 0;
      if (actual !== expected) discrepancies.push(`order ${row.id} (payment ${row.paymentStatus}, order ${row.status}) credited ${actual} time(s), expected ${expected}`);
      if (paid !== (row.status === 'succeeded')) discrepancies.push(`order ${row.id} is ${row.status} but its payment is ${row.paymentStatus}`);
    }
    if (rows.length !== chunk.length) discrepancies.push(`${chunk.length - rows.length} acknowledged order(s) are missing`);
  }

  // Per client: the wallet holds what was credited less what was spent, and no payment appears that the client did not send.
  const clients = new Map<string, { kinds: Set<string>; keys: number }>();
  for (const record of records) {
    if (record.key === undefined) continue;
    const entry = clients.get(record.clientId) ?? { kinds: new Set(), keys: 0 };
    entry.kinds.add(record.kind);
    if (record.kind === 'gift' || record.kind === 'paid_message' || record.kind === 'payout') entry.keys++;
    clients.set(record.clientId, entry);
  }
  const userIdOf = new Map(records.filter((record) => record.kind === 'setup' && record.answers[0]?.body.token).map((record) => [record.clientId, record.answers[0]!.body.user.id as string]));
  for (const [clientId, { kinds, keys }] of clients) {
    const userId = userIdOf.get(clientId)!;
    if (kinds.has('payout')) {
      const earned = await sumOf(db, sql`select coalesce(sum(diamonds), 0) as total from gift_events where creator_id = ${userId}`);
      const paidOut = await sumOf(db, sql`select coalesce(sum(diamonds), 0) as total from payouts where user_id = ${userId} and status = 'paid'`);
      const payouts = await sumOf(db, sql`select count(*) as total from payouts where user_id = ${userId}`);
      const wallet = await sumOf(db, sql`select posted as total from ledger_accounts where id = ${userDiamondWalletId(userId)}`);
      if (wallet !== earned - paidOut) discrepancies.push(`${clientId}: diamond wallet holds ${wallet}, but earned ${earned} less paid out ${paidOut} is ${earned - paidOut}`);
      if (payouts > BigInt(keys)) discrepancies.push(`${clientId}: ${payouts} payouts for ${keys} idempotency keys used`);
    } else {
      const credited = await sumOf(db, sql`select coalesce(sum(coins + bonus_coins), 0) as total from orders where user_id = ${userId} and status = 'succeeded'`);
      const spent = await sumOf(db, sql`select coalesce(sum(coins), 0) as total from gift_events where sender_id = ${userId}`);
      const sent = await sumOf(db, sql`select count(*) as total from gift_events where sender_id = ${userId}`);
      const wallet = await sumOf(db, sql`select coalesce(max(posted), 0) as total from ledger_accounts where id = ${userCoinWalletId(userId)}`);
      if (wallet !== credited - spent) discrepancies.push(`${clientId}: coin wallet holds ${wallet}, but credited ${credited} less spent ${spent} is ${credited - spent}`);
      if (sent > BigInt(keys)) discrepancies.push(`${clientId}: ${sent} payments recorded for ${keys} idempotency keys used`);
    }
  }

  const platform = (name: 'coin_issuance' | 'promotions' | 'gift_sink') => sumOf(db, sql`select posted as total from ledger_accounts where id = ${platformAccountId(name, 'COIN')}`);
  const issued = -((await platform('coin_issuance')) + (await platform('promotions')));
  const spent = await platform('gift_sink');
  const inWallets = await sumOf(db, sql`select coalesce(sum(posted), 0) as total from ledger_accounts where asset = 'COIN' and kind = 'user_coin'`);
  if (issued !== inWallets + spent) discrepancies.push(`coins issued ${issued} ≠ coins in wallets ${inWallets} + coins spent ${spent}`);

  return { discrepancies, ordersPaid, coins: { issued, inWallets, spent } };
}

async function sumOf(db: Database, query: ReturnType<typeof sql<{ total: unknown }>>): Promise<bigint> {
  const { rows } = await query.execute(db.kysely);
  return BigInt((rows[0]?.total as bigint | number | string | undefined) ?? 0);
}

function chunks<T>(items: T[], size = 500): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}
