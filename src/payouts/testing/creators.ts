import assert from 'node:assert/strict';
import { signUpCreatorWithTwoFactor, type SignedInUser } from '../../accounts/testing/users.js';
import { auditEverything } from '../../audit/index.js';
import { viewerWithCoins } from '../../gifts/testing/payments.js';
import { userDiamondWalletId } from '../../ledger/index.js';
import type { TestApp } from '../../server/testing/app.js';

/** Settings under which a new creator's payout is approved at once: no first-payout hold, and review's age, new-payer and spike rules off. */
export const PAYOUTS_APPROVED_AT_ONCE = {
  STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50',
  PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS: '0',
  PAYOUT_REVIEW_NEW_PAYER_DAYS: '0',
  PAYOUT_REVIEW_SPIKE_FACTOR: '0',
  PAYOUT_FIRST_HOLD_DAYS: '0',
};

/**
 * A creator who can cash out: two-factor on, identity verified by the sandbox, and a bank account (its last digits pick the sandbox's outcome).
 * The session proved two-factor when it turned it on; after the test clock moves past TWO_FACTOR_RECENT_MINUTES, `stepUp` before cashing out.
 */
export async function payoutReadyCreator(t: TestApp, accountNumber = '000123456789'): Promise<SignedInUser & { methodId: string; totpSecret: string }> {
  const creator = await signUpCreatorWithTwoFactor(t, { displayName: 'Dana Creator' });
  const identity = await submitIdentity(t, creator, 'P12345678');
  assert.equal(identity.status, 'verified');
  return { ...creator, methodId: await addBankAccount(t, creator, accountNumber) };
}

/** Submits the creator's identity to the sandbox, whose answer the document number picks (REJECT…, MORE…, PENDING…, else verified). */
export async function submitIdentity(t: TestApp, creator: SignedInUser, documentNumber: string): Promise<{ status: string }> {
  const { birthDate } = await t.accounts.getUser(creator.id);
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/creator/identity',
    headers: creator.headers,
    payload: { legalName: 'Dana Creator', country: 'US', birthDate, documentType: 'passport', documentNumber },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().identity;
}

export async function addBankAccount(t: TestApp, creator: SignedInUser, accountNumber: string): Promise<string> {
  const method = await t.app.inject({
    method: 'POST',
    url: '/api/v1/creator/payout-methods',
    headers: creator.headers,
    payload: { type: 'bank_account', holderName: 'Dana Creator', country: 'US', currency: 'USD', accountNumber, routingCode: '110000000' },
  });
  assert.equal(method.statusCode, 201, method.body);
  return method.json().method.id as string;
}

/** Sends the creator `galaxies` Galaxy gifts (1,000 coins, 1,000 diamonds each at the default share) from a new viewer with 8,400 coins. */
export async function earnDiamonds(t: TestApp, creator: SignedInUser, galaxies: number): Promise<SignedInUser> {
  const viewer = await viewerWithCoins(t, ['pkg_web_7000']);
  const handle = (await t.accounts.getUser(creator.id)).handle;
  const sent = await t.app.inject({
    method: 'POST',
    url: `/api/v1/users/${handle}/gifts`,
    headers: { ...viewer.headers, 'idempotency-key': `galaxies-${viewer.id}` },
    payload: { giftId: 'gift_galaxy', quantity: galaxies, confirm: true },
  });
  assert.equal(sent.statusCode, 201, sent.body);
  assert.equal(sent.json().gift.diamonds, galaxies * 1000);
  return viewer;
}

/** A user's diamonds: all they hold, and what payouts in flight have not reserved. */
export async function diamondsOf(t: TestApp, user: SignedInUser): Promise<{ posted: bigint; available: bigint }> {
  const wallet = (await t.ledger.getAccount(userDiamondWalletId(user.id)))!;
  return { posted: wallet.posted, available: wallet.available };
}

/** Runs the whole audit and fails with the checks that found something; `when` names the step. */
export async function assertAuditPasses(t: TestApp, when?: string): Promise<void> {
  const report = await auditEverything(t.db);
  const found = JSON.stringify(report.checks.filter((check) => check.violations.length > 0));
  assert.equal(report.ok, true, when === undefined ? found : `${when}: ${found}`);
}
