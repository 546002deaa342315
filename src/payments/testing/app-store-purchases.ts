import assert from 'node:assert/strict';
import { signUpAndLogIn, stepUp, type SignedInUser } from '../../accounts/testing/users.js';
import { userCoinWalletId } from '../../ledger/index.js';
import { assertAuditPasses, diamondsOf } from '../../payouts/testing/creators.js';
import type { TestApp } from '../../server/testing/app.js';

const DAY_MS = 86_400_000;

/**
 * The buyer of an app purchase of 8,400 coins sends the creator 8,000 of them in gifts, and the
 * creator, a week later, asks to be paid the 8,000 diamonds: what a store refund then has to take back.
 */
export async function giftThenRequestPayout(t: TestApp, buyer: SignedInUser, creator: SignedInUser & { methodId: string; totpSecret: string }): Promise<{ payoutId: string }> {
  const handle = (await t.accounts.getUser(creator.id)).handle;
  const gifted = await t.app.inject({
    method: 'POST',
    url: `/api/v1/users/${handle}/gifts`,
    headers: { ...buyer.headers, 'idempotency-key': `galaxies-${buyer.id}` },
    payload: { giftId: 'gift_galaxy', quantity: 8, confirm: true },
  });
  assert.equal(gifted.statusCode, 201, gifted.body);
  assert.deepEqual(await diamondsOf(t, creator), { posted: 8000n, available: 8000n });

  t.clock.advance(8 * DAY_MS);
  await stepUp(t, creator);
  const requested = await t.app.inject({
    method: 'POST',
    url: '/api/v1/payouts',
    headers: { ...creator.headers, 'idempotency-key': `store-refund-${buyer.id}` },
    payload: { diamonds: 8000, methodId: creator.methodId },
  });
  assert.equal(requested.statusCode, 201, requested.body);
  return { payoutId: requested.json().payout.id as string };
}

/** After the store refunded the purchase giftThenRequestPayout spent: every coin and diamond is taken back, the payout held for the order, the order refunded. */
export async function assertClawedBackAndHeld(t: TestApp, input: { buyer: SignedInUser; creator: SignedInUser; admin: SignedInUser; orderId: string; payoutId: string }): Promise<void> {
  const { buyer, creator, admin, orderId, payoutId } = input;
  assert.equal((await t.ledger.getAccount(userCoinWalletId(buyer.id)))?.posted, -8000n, 'all 8,400 coins were taken back, the 8,000 spent on gifts included: the wallet owes them');
  assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: -8000n }, "the creator's 8,000 diamonds were clawed back");
  const held = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/payouts/${payoutId}`, headers: admin.headers })).json().payout;
  assert.equal(held.status, 'in_review');
  assert.ok(
    held.riskReasons.some((reason: { message: string }) => reason.message.includes(orderId)),
    JSON.stringify(held.riskReasons),
  );
  const refunded = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}`, headers: buyer.headers })).json().order;
  assert.equal(refunded.status, 'refunded');
}

/** Each receipt (named by what it is) is refused with 400 invalid_receipt and its reason, and the buyer is left with no coins and no order. */
export async function assertReceiptsRefused(t: TestApp, buyer: SignedInUser, cases: readonly (readonly [what: string, receipt: string, reason: RegExp])[]): Promise<void> {
  for (const [what, receipt, reason] of cases) {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: buyer.headers, payload: { receipt } });
    assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
    assert.equal(response.json().error.code, 'invalid_receipt', what);
    assert.match(response.json().error.message, reason, what);
  }
  assert.equal((await t.ledger.getAccount(userCoinWalletId(buyer.id)))?.posted ?? 0n, 0n);
  const orders = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: buyer.headers })).json().orders;
  assert.deepEqual(orders, []);
}

/** The credited receipt sent again answers the same order and credits nothing more; sent from another account it is refused. */
export async function assertReceiptCreditedOnce(t: TestApp, buyer: SignedInUser, receipt: string, order: { id: string; totalCoins: number }): Promise<void> {
  const send = (user: SignedInUser) => t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: user.headers, payload: { receipt } });
  const again = await send(buyer);
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().order.id, order.id);
  assert.equal((await t.ledger.getAccount(userCoinWalletId(buyer.id)))?.posted, BigInt(order.totalCoins));
  const stolen = await send(await signUpAndLogIn(t));
  assert.equal(stolen.statusCode, 409);
  assert.equal(stolen.json().error.code, 'receipt_already_used');
  await assertAuditPasses(t);
}
