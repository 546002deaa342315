import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, signUpCreatorWithTwoFactor, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { assertRefused, rejectsWith } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createIdentity, createSandboxIdentityProvider } from './index.js';
import { SANDBOX_MORE_INFO_REASON, SANDBOX_REJECT_REASON } from './provider.js';

const LEGAL_NAME = 'José María Núñez';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`identity checks and payout methods on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (user: SignedInUser | undefined, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: user?.headers ?? {}, ...(payload === undefined ? {} : { payload }) });
    const birthDateOf = async (user: SignedInUser) => (await t.accounts.getUser(user.id)).birthDate!;
    async function submit(user: SignedInUser, documentNumber: string, overrides: Record<string, unknown> = {}) {
      return call(user, 'POST', '/api/v1/creator/identity', {
        legalName: LEGAL_NAME,
        country: 'es',
        birthDate: await birthDateOf(user),
        documentType: 'passport',
        documentNumber,
        ...overrides,
      });
    }
    /** A creator whose identity the sandbox verified. */
    async function verifiedCreator(): Promise<SignedInUser> {
      const creator = await signUpCreatorWithTwoFactor(t);
      const verified = await submit(creator, 'X1234-5678-9');
      assert.equal(verified.statusCode, 201, verified.body);
      assert.equal(verified.json().identity.status, 'verified');
      return creator;
    }
    const addMethod = (user: SignedInUser, body: Record<string, unknown>) => call(user, 'POST', '/api/v1/creator/payout-methods', body);
    const bank = (overrides: Record<string, unknown> = {}) => ({
      type: 'bank_account',
      holderName: LEGAL_NAME,
      country: 'ES',
      currency: 'EUR',
      accountNumber: 'ES91 2100 0418 4502 0005 1332',
      ...overrides,
    });

    it('the sandbox decides by the document number: MORE asks for more, PENDING waits, REJECT rejects, anything else verifies', async () => {
      const creator = await signUpCreatorWithTwoFactor(t);
      assert.deepEqual((await call(creator, 'GET', '/api/v1/creator/identity')).json(), { identity: null });

      const more = await submit(creator, 'more-0001');
      assert.equal(more.statusCode, 201, more.body);
      assert.equal(more.json().identity.status, 'needs_more_info');
      assert.equal(more.json().identity.reason, SANDBOX_MORE_INFO_REASON);
      assert.match(more.json().identity.reason, /clearer photo/);

      const pending = (await submit(creator, 'PENDING 0002')).json().identity;
      assert.equal(pending.status, 'pending');
      assert.equal(pending.decidedAt, null);
      assert.equal(pending.reason, null);

      const rejected = (await submit(creator, 'REJECT-0003')).json().identity;
      assert.equal(rejected.status, 'rejected');
      assert.equal(rejected.reason, SANDBOX_REJECT_REASON);

      const verified = await submit(creator, 'X1234-5678-9', { legalName: `  ${LEGAL_NAME}  `, documentType: 'national_id' });
      assert.equal(verified.statusCode, 201, verified.body);
      const identity = verified.json().identity;
      assert.deepEqual(
        { ...identity, id: undefined, submittedAt: undefined, decidedAt: undefined },
        { id: undefined, status: 'verified', legalName: LEGAL_NAME, country: 'ES', documentType: 'national_id', documentLast4: '6789', reason: null, submittedAt: undefined, decidedAt: undefined },
      );
      assert.ok(identity.decidedAt !== null);
      assert.doesNotMatch(verified.body, /X123456789|X1234-5678-9/, 'the document number is never answered whole');
      assert.deepEqual((await call(creator, 'GET', '/api/v1/creator/identity')).json().identity, identity);

      const stored = await t.db.kysely.selectFrom('identity_checks').selectAll().where('user_id', '=', creator.id).execute();
      assert.equal(stored.length, 4, 'each submission is kept');
      const storedText = JSON.stringify(stored, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
      assert.doesNotMatch(storedText, /X123456789|MORE0001|PENDING0002|REJECT0003/, 'only the last four characters are kept');

      const again = await submit(creator, 'Y9999');
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.json().error.code, 'identity_already_verified');

      const activity = (await call(creator, 'GET', '/api/v1/me/activity')).json().activity as { kind: string; detail: { status: string } }[];
      assert.deepEqual(
        activity.filter((entry) => entry.kind === 'identity_submitted').map((entry) => entry.detail.status),
        ['verified', 'rejected', 'pending', 'needs_more_info'],
      );
    });

    it('of two submissions verified at once, one stands and the other is refused', async () => {
      const creator = await signUpCreatorWithTwoFactor(t);
      const answers = await Promise.all([submit(creator, 'A0000001'), submit(creator, 'B0000002')]);
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [201, 409], answers.map((answer) => answer.body).join('\n'));
      const verified = await t.db.kysely.selectFrom('identity_checks').select('id').where('user_id', '=', creator.id).where('status', '=', 'verified').execute();
      assert.equal(verified.length, 1);
    });

    it('refuses a birth date other than the account’s, and malformed fields, storing nothing', async () => {
      const creator = await signUpCreatorWithTwoFactor(t);
      const mismatch = await submit(creator, 'X0000001', { birthDate: '1990-01-01' });
      assert.equal(mismatch.statusCode, 422, mismatch.body);
      assert.equal(mismatch.json().error.code, 'birth_date_mismatch');
      assert.equal(mismatch.json().error.param, 'birthDate');
      for (const [overrides, status, code, param] of [
        [{ legalName: 'J' }, 400, 'invalid_name', 'legalName'],
        [{ legalName: 'Jo\u0007se' }, 400, 'invalid_name', 'legalName'],
        [{ legalName: 'x'.repeat(101) }, 400, 'invalid_name', 'legalName'],
        [{ country: 'XX' }, 400, 'invalid_country', 'country'],
        [{ documentType: 'visa' }, 400, 'validation_failed', 'documentType'],
      ] as const) {
        const refused = await submit(creator, 'X0000001', overrides);
        assert.equal(refused.statusCode, status, refused.body);
        assert.equal(refused.json().error.code, code);
        assert.equal(refused.json().error.param, param);
      }
      const short = await submit(creator, 'X-1');
      assert.equal(short.json().error.code, 'invalid_document_number');
      assert.deepEqual((await call(creator, 'GET', '/api/v1/creator/identity')).json(), { identity: null });
    });

    it('refuses an account that is not an adult in its region', async () => {
      const creator = await signUpCreatorWithTwoFactor(t);
      const user = await t.accounts.getUser(creator.id);
      const identity = createIdentity({
        db: t.db,
        kysely: t.db.kysely,
        accounts: { getUser: async () => ({ ...user, isAdult: false }), recordActivity: t.accounts.recordActivity },
        provider: createSandboxIdentityProvider(),
        payoutCurrency: 'USD',
        now: t.clock.now,
      });
      await rejectsWith(
        identity.submit(creator.id, { legalName: LEGAL_NAME, country: 'US', birthDate: user.birthDate!, documentType: 'passport', documentNumber: 'X0000001' }),
        'forbidden',
        'age_restricted',
      );
      assert.equal(await identity.current(creator.id), null);
    });

    it('payout methods need a verified identity and the verified name, compared without case, accents or extra spaces', async () => {
      const unverified = await signUpCreatorWithTwoFactor(t);
      const refused = await addMethod(unverified, bank());
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error.code, 'identity_not_verified');
      await submit(unverified, 'PENDING-1');
      assert.equal((await addMethod(unverified, bank())).json().error.code, 'identity_not_verified', 'a pending identity is not verified');

      const creator = await verifiedCreator();
      const mismatch = await addMethod(creator, bank({ holderName: 'John Smith' }));
      assert.equal(mismatch.statusCode, 422, mismatch.body);
      assert.equal(mismatch.json().error.code, 'holder_name_mismatch');
      assert.equal(mismatch.json().error.param, 'holderName');
      assert.match(mismatch.json().error.message, new RegExp(`"${LEGAL_NAME}"`));

      const added = await addMethod(creator, bank({ holderName: '  JOSE   maria NUNEZ ' }));
      assert.equal(added.statusCode, 201, added.body);
      const method = added.json().method;
      assert.equal(method.type, 'bank_account');
      assert.equal(method.holderName, 'JOSE maria NUNEZ');
      assert.equal(method.label, 'Bank account •••• 1332');
      assert.equal(method.country, 'ES');
      assert.equal(method.currency, 'EUR');
      assert.equal(method.removedAt, null);
      assert.doesNotMatch(added.body, /ES9121000418450200051332|0418/, 'the account number is never answered');

      const wallet = await addMethod(creator, { type: 'wallet', holderName: 'josé maría núñez', email: 'Jose.Maria@Example.com' });
      assert.equal(wallet.statusCode, 201, wallet.body);
      assert.equal(wallet.json().method.label, 'Wallet j•••@example.com');
      assert.equal(wallet.json().method.country, 'ES', "a wallet is in the verified person's country");
      assert.equal(wallet.json().method.currency, 'USD', 'and paid in the currency diamonds are valued in');
      assert.doesNotMatch(wallet.json().method.label, /jose\.maria/i);

      const listed = await call(creator, 'GET', '/api/v1/creator/payout-methods');
      assert.deepEqual(
        listed.json().methods.map((entry: { id: string }) => entry.id),
        [method.id, wallet.json().method.id],
      );
      assert.doesNotMatch(listed.body, /ES9121000418450200051332|jose\.maria/i);

      // What payouts read: the full destination, for the payout provider only.
      const identity = t.services.identity;
      const forProvider = await identity.payoutMethod(creator.id, method.id);
      assert.ok(forProvider?.type === 'bank_account');
      assert.equal(forProvider.accountNumber, 'ES9121000418450200051332');
      assert.equal(forProvider.routingCode, null);
      const walletForProvider = await identity.payoutMethod(creator.id, wallet.json().method.id);
      assert.ok(walletForProvider?.type === 'wallet');
      assert.equal(walletForProvider.email, 'jose.maria@example.com');
      assert.equal(await identity.payoutMethod(unverified.id, method.id), null, "another creator's method is none of theirs");
      const verified = await identity.verifiedIdentity(creator.id);
      assert.equal(verified?.legalName, LEGAL_NAME);
      assert.equal(verified?.country, 'ES');
      assert.equal(await identity.verifiedIdentity(unverified.id), null);
    });

    it('checks each type’s fields, and refuses a method added twice', async () => {
      const creator = await verifiedCreator();
      for (const [body, status, code, param] of [
        [bank({ accountNumber: undefined }), 400, 'field_required', 'accountNumber'],
        [bank({ country: undefined }), 400, 'field_required', 'country'],
        [bank({ email: 'a@example.com' }), 400, 'field_not_allowed', 'email'],
        [bank({ currency: 'XYZ' }), 400, 'invalid_currency', 'currency'],
        [bank({ accountNumber: '12' }), 400, 'invalid_account_number', 'accountNumber'],
        [bank({ routingCode: 'a$b' }), 400, 'invalid_routing_code', 'routingCode'],
        [{ type: 'wallet', holderName: LEGAL_NAME }, 400, 'field_required', 'email'],
        [{ type: 'wallet', holderName: LEGAL_NAME, email: 'a@example.com', accountNumber: '12345678' }, 400, 'field_not_allowed', 'accountNumber'],
        [{ type: 'wallet', holderName: LEGAL_NAME, email: 'not an email' }, 400, 'validation_failed', 'email'],
      ] as const) {
        const refused = await addMethod(creator, body);
        assert.equal(refused.statusCode, status, `${JSON.stringify(body)}: ${refused.body}`);
        assert.equal(refused.json().error.code, code);
        assert.equal(refused.json().error.param, param);
      }
      const first = await addMethod(creator, bank({ accountNumber: '000123456789', routingCode: '021000021', country: 'US', currency: 'USD' }));
      assert.equal(first.statusCode, 201, first.body);
      const twice = await addMethod(creator, bank({ accountNumber: '0001-2345-6789', routingCode: '021000021', country: 'US', currency: 'USD' }));
      assert.equal(twice.statusCode, 409, twice.body);
      assert.equal(twice.json().error.code, 'payout_method_exists');
    });

    it('removing a method keeps it for the payouts that name it, and it takes no new ones', async () => {
      const creator = await verifiedCreator();
      const other = await verifiedCreator();
      const method = (await addMethod(creator, bank())).json().method;

      assert.equal((await call(other, 'DELETE', `/api/v1/creator/payout-methods/${method.id}`)).json().error.code, 'payout_method_not_found');
      const removed = await call(creator, 'DELETE', `/api/v1/creator/payout-methods/${method.id}`);
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(removed.json().method.id, method.id);
      assert.ok(removed.json().method.removedAt !== null);
      const again = await call(creator, 'DELETE', `/api/v1/creator/payout-methods/${method.id}`);
      assert.deepEqual(again.json(), removed.json(), 'removing again answers it unchanged');

      assert.deepEqual((await call(creator, 'GET', '/api/v1/creator/payout-methods')).json(), { methods: [] });
      assert.equal(await t.services.identity.payoutMethod(creator.id, method.id), null);
      const kept = await t.db.kysely.selectFrom('payout_methods').select('removed_at').where('id', '=', method.id).executeTakeFirstOrThrow();
      assert.ok(kept.removed_at !== null, 'the row stays');
      // The same account may be added again as a new method.
      assert.equal((await addMethod(creator, bank())).statusCode, 201);

      const activity = (await call(creator, 'GET', '/api/v1/me/activity')).json().activity as { kind: string; detail: { methodId: string } }[];
      assert.deepEqual(
        activity.filter((entry) => entry.kind.startsWith('payout_method_')).map((entry) => entry.kind),
        ['payout_method_added', 'payout_method_removed', 'payout_method_added'],
      );
    });

    it('admins review pending checks: the queue, a decision with the reason the creator reads, and only one decision per submission', async () => {
      const admin = await createSignedInAdmin(t);
      const creator = await signUpCreatorWithTwoFactor(t);
      const pending = (await submit(creator, 'PENDING-0001')).json().identity;
      const queue = async () => (await call(admin, 'GET', '/api/v1/admin/identity-checks?status=pending')).json().identities as { id: string; userId: string }[];
      assert.deepEqual(
        (await queue()).filter((entry) => entry.userId === creator.id).map((entry) => entry.id),
        [pending.id],
      );
      const decide = (id: string, body: object) => call(admin, 'POST', `/api/v1/admin/identity-checks/${id}/decision`, body);

      assertRefused(await decide(pending.id, { status: 'needs_more_info' }), 400, 'reason_required');
      const asked = await decide(pending.id, { status: 'needs_more_info', reason: 'The photo is blurred; send a sharper one.' });
      assert.equal(asked.statusCode, 200, asked.body);
      const seen = (await call(creator, 'GET', '/api/v1/creator/identity')).json().identity;
      assert.deepEqual([seen.status, seen.reason], ['needs_more_info', 'The photo is blurred; send a sharper one.']);
      assertRefused(await decide(pending.id, { status: 'verified' }), 409, 'identity_check_not_pending');
      assert.ok(!(await queue()).some((entry) => entry.id === pending.id), 'decided checks leave the queue');

      const again = (await submit(creator, 'PENDING-0002')).json().identity;
      assertRefused(await decide(pending.id, { status: 'verified' }), 409, 'identity_check_superseded');
      assert.equal((await decide(again.id, { status: 'verified' })).json().identity.status, 'verified');
      assert.equal((await call(creator, 'GET', '/api/v1/creator/identity')).json().identity.status, 'verified');
      assert.equal((await addMethod(creator, bank())).statusCode, 201, 'a verified identity takes payout methods');
      assertRefused(await decide('idc_unknown', { status: 'verified' }), 404, 'identity_check_not_found');
      const activity = (await call(creator, 'GET', '/api/v1/me/activity')).json().activity as { kind: string }[];
      assert.equal(activity.filter((entry) => entry.kind === 'identity_decided').length, 2);
    });

    it('every route refuses viewers without the creator role (403) and anonymous callers (401)', async () => {
      const viewer = await signUpAndLogIn(t);
      const routes = [
        ['POST', '/api/v1/creator/identity'],
        ['GET', '/api/v1/creator/identity'],
        ['GET', '/api/v1/creator/payout-methods'],
        ['POST', '/api/v1/creator/payout-methods'],
        ['DELETE', '/api/v1/creator/payout-methods/pm_any'],
      ] as const;
      for (const [method, url] of routes) {
        const asViewer = await call(viewer, method, url, method === 'POST' ? {} : undefined);
        assert.equal(asViewer.statusCode, 403, `${method} ${url}: ${asViewer.body}`);
        assert.equal(asViewer.json().error.code, 'role_required');
        const anonymous = await call(undefined, method, url, method === 'POST' ? {} : undefined);
        assert.equal(anonymous.statusCode, 401, `${method} ${url}: ${anonymous.body}`);
        assert.equal(anonymous.json().error.code, 'authentication_required');
      }
    });
  });
}
