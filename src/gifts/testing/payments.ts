import assert from 'node:assert/strict';
import { signUpAndLogIn, type SignedInUser } from '../../accounts/testing/users.js';
import { userCoinWalletId, userDiamondWalletId } from '../../ledger/index.js';
import type { TestApp } from '../../server/testing/app.js';

/** An account's posted balance; 0 for an account not opened yet. */
export async function balanceOf(t: TestApp, accountId: string): Promise<bigint> {
  return (await t.ledger.getAccount(accountId))?.posted ?? 0n;
}

/**
 * A viewer who bought these packages through the sandbox; the first purchase carries the 20%
 * first-purchase bonus, so the default pkg_web_700 leaves 840 coins.
 */
export async function viewerWithCoins(t: TestApp, packageIds: readonly string[] = ['pkg_web_700']): Promise<SignedInUser> {
  const viewer = await signUpAndLogIn(t);
  await buyCoins(t, viewer, packageIds);
  assert.ok((await balanceOf(t, userCoinWalletId(viewer.id))) > 0n, 'the purchases were credited');
  return viewer;
}

/** The viewer buys these packages through the sandbox, paying by card, and each is credited before this answers. */
export async function buyCoins(t: TestApp, viewer: SignedInUser, packageIds: readonly string[]): Promise<void> {
  for (const packageId of packageIds) {
    const key = `buy-${packageId}-${viewer.id}-${t.clock.now().getTime()}-${Math.random()}`;
    const order = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...viewer.headers, 'idempotency-key': key }, payload: { packageId } });
    assert.equal(order.statusCode, 201, order.body);
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sandbox/checkout/${order.json().order.id}`,
      headers: viewer.headers,
      payload: { card: '4242424242424242', webhooks: 'once' },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    await t.sandbox.idle();
  }
}

/** One payment to a creator as the ledger journal records it: its metadata and what it moved. */
export interface JournalPayment {
  transferId: string;
  kind: string;
  /** The gift sent; undefined for paid messages and cheers. */
  giftId: string | undefined;
  /** Gifts sent; undefined for paid messages and cheers. */
  quantity: number | undefined;
  liveId: string | undefined;
  senderId: string;
  creatorId: string;
  /** Taken from the sender's coin wallet. */
  coins: bigint;
  /** Credited to the creator's diamond wallet. */
  diamonds: bigint;
}

/** Every payment to a creator in the journal, read from the transfers themselves rather than any projection. */
export async function journalPayments(t: TestApp): Promise<JournalPayment[]> {
  const rows = await t.db.kysely.selectFrom('ledger_transfers').select(['seq', 'metadata', 'legs']).where('type', '=', 'posted').orderBy('seq').execute();
  const payments: JournalPayment[] = [];
  for (const row of rows) {
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    if (!['gift', 'paid_message', 'cheer'].includes(String(metadata.kind))) continue;
    const legs = JSON.parse(row.legs) as [string, string, string][];
    const moved = (accountId: string) => legs.filter(([id]) => id === accountId).reduce((sum, [, , amount]) => sum + BigInt(amount), 0n);
    const senderId = String(metadata.senderId);
    const creatorId = String(metadata.creatorId);
    payments.push({
      transferId: `tr_${row.seq}`,
      kind: String(metadata.kind),
      giftId: typeof metadata.giftId === 'string' ? metadata.giftId : undefined,
      quantity: typeof metadata.quantity === 'number' ? metadata.quantity : undefined,
      liveId: typeof metadata.liveId === 'string' ? metadata.liveId : undefined,
      senderId,
      creatorId,
      coins: -moved(userCoinWalletId(senderId)),
      diamonds: moved(userDiamondWalletId(creatorId)),
    });
  }
  return payments;
}

/** Sums `value` of the payments grouped by `key`. */
export function sumBy(payments: readonly JournalPayment[], key: (payment: JournalPayment) => string, value: (payment: JournalPayment) => bigint): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const payment of payments) sums.set(key(payment), (sums.get(key(payment)) ?? 0n) + value(payment));
  return sums;
}
