import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stepUp, type SignedInUser } from '../accounts/testing/users.js';
import { ConfigError } from '../config/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { loadPayoutConfig } from './config.js';
import type { PayoutProviderEvent, PayoutRequest } from './provider.js';
import { platformAccountId } from '../ledger/index.js';
import { assertAuditPasses, diamondsOf, earnDiamonds, payoutReadyCreator, PAYOUTS_APPROVED_AT_ONCE } from './testing/creators.js';
import { createWisePayoutProvider, customerTransactionIdOf, toMajorUnits, WISE_SIGNATURE_HEADER } from './wise.js';

const API_TOKEN = 'wise_test_token_5b1f0c7e';
const PROFILE_ID = 16_254_301;

/** Wise's webhook signing key pair; the public half is what operators configure. */
const wiseKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
// Trimmed, as configuration values are read.
const WEBHOOK_PUBLIC_KEY = wiseKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim();

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

interface FakeTransfer {
  id: number;
  status: string;
}

/** The fake's rates (target units per source unit) and fee (0.5% of the source amount, in its unit), as Wise's quotes write them. */
const FAKE_WISE_RATES: Record<string, number> = { 'USD>USD': 1, 'USD>EUR': 0.9213, 'USD>GBP': 0.7902, 'JPY>JPY': 1 };
const FAKE_WISE_FEE_SHARE = 0.005;

interface WiseQuoteAnswer {
  id: string;
  sourceCurrency: string;
  targetCurrency: string;
  sourceAmount: number;
  targetAmount: number;
  rate: number;
  expirationTime: string;
  payOut: string;
  paymentOptions: { payIn: string; payOut: string; disabled: boolean; fee: { total: number }; sourceAmount: number; targetAmount: number }[];
}

/** Wise's v3 quote for a source or a target amount: the fee comes off the source, the rest converts at the rate; amounts in major units, cents rounded. */
function quoteOf(body: Record<string, unknown>): WiseQuoteAnswer | undefined {
  const rate = FAKE_WISE_RATES[`${String(body.sourceCurrency)}>${String(body.targetCurrency)}`];
  if (rate === undefined) return undefined;
  const cents = (amount: number) => Math.round(amount * 100) / 100;
  const sameCurrency = body.sourceCurrency === body.targetCurrency;
  let sourceAmount: number;
  let targetAmount: number;
  let fee: number;
  if (typeof body.sourceAmount === 'number') {
    sourceAmount = body.sourceAmount;
    fee = sameCurrency ? 0 : cents(sourceAmount * FAKE_WISE_FEE_SHARE);
    targetAmount = Math.floor((sourceAmount - fee) * rate * 100) / 100;
  } else {
    targetAmount = Number(body.targetAmount);
    const converted = Math.ceil((targetAmount / rate) * 100) / 100;
    fee = sameCurrency ? 0 : cents(converted * FAKE_WISE_FEE_SHARE);
    sourceAmount = cents(converted + fee);
  }
  const option = { payIn: 'BALANCE', payOut: 'BANK_TRANSFER', disabled: false, fee: { total: fee }, sourceAmount, targetAmount };
  return {
    id: randomUUID(),
    sourceCurrency: String(body.sourceCurrency),
    targetCurrency: String(body.targetCurrency),
    sourceAmount,
    targetAmount,
    rate,
    expirationTime: new Date(Date.now() + 30 * 60_000).toISOString(),
    payOut: 'BANK_TRANSFER',
    paymentOptions: [{ ...option, payIn: 'BANK_TRANSFER', disabled: true }, option],
  };
}

/**
 * Stands in for Wise's Platform API on 127.0.0.1: quotes, recipient accounts, transfers (the same
 * customerTransactionId answers the transfer already made, as Wise's idempotency check does) and
 * their funding from the balance. `refuseFunding` makes the balance refuse; a recipient whose holder
 * is "Nobody Valid" is refused the way Wise refuses invalid details. Every request is kept.
 */
async function fakeWiseApi() {
  const requests: RecordedRequest[] = [];
  const transfers = new Map<string, FakeTransfer>();
  const quotes = new Map<string, WiseQuoteAnswer>();
  const state = { refuseFunding: false, failWithServerError: false };
  let nextId = 50_000_001;

  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const body = (raw === '' ? {} : JSON.parse(raw)) as Record<string, unknown>;
      const path = request.url ?? '';
      requests.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (request.headers.authorization !== `Bearer ${API_TOKEN}`) return answer(401, { error: 'invalid_token', error_description: 'Invalid token' });
      if (state.failWithServerError) return answer(503, { message: 'Service unavailable' });
      if (request.method === 'POST' && path === `/v3/profiles/${PROFILE_ID}/quotes`) {
        const quote = quoteOf(body);
        if (!quote)
          return answer(422, {
            errors: [{ code: 'error.route.not.supported', message: `We cannot send money from ${String(body.sourceCurrency)} to ${String(body.targetCurrency)}.`, path: 'targetCurrency' }],
          });
        quotes.set(quote.id, quote);
        return answer(200, quote);
      }
      if (request.method === 'POST' && path === '/v1/accounts') {
        if (body.accountHolderName === 'Nobody Valid') return answer(422, { errors: [{ code: 'NOT_VALID', message: 'Please specify a valid routing number.', path: 'abartn' }] });
        return answer(200, { id: nextId++, profile: body.profile, accountHolderName: body.accountHolderName, currency: body.currency, type: body.type, details: body.details });
      }
      if (request.method === 'POST' && path === '/v1/transfers') {
        if (!quotes.has(String(body.quoteUuid))) return answer(422, { errors: [{ code: 'NOT_VALID', message: 'The quote is not valid.', path: 'quoteUuid' }] });
        const key = String(body.customerTransactionId);
        const transfer = transfers.get(key) ?? { id: nextId++, status: 'incoming_payment_waiting' };
        transfers.set(key, transfer);
        return answer(200, { ...transfer, targetAccount: body.targetAccount, quoteUuid: body.quoteUuid, customerTransactionId: key });
      }
      const funded = new RegExp(`^/v3/profiles/${PROFILE_ID}/transfers/(\\d+)/payments$`).exec(path);
      const transfer = [...transfers.values()].find((each) => String(each.id) === funded?.[1]);
      if (request.method === 'POST' && transfer) {
        if (state.refuseFunding) return answer(200, { type: 'BALANCE', status: 'REJECTED', errorCode: 'transfer.insufficient_funds' });
        transfer.status = 'processing';
        return answer(201, { type: 'BALANCE', status: 'COMPLETED', errorCode: null });
      }
      return answer(404, { errors: [{ code: 'NOT_FOUND', message: `The fake has no answer for ${request.method} ${path}.` }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    quotes,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A transfers#state-change delivery as Wise sends it. */
function stateChange(transferId: number | string, currentState: string, previousState: string): string {
  return JSON.stringify({
    data: {
      resource: { type: 'transfer', id: Number(transferId), profile_id: PROFILE_ID, account_id: 50_000_000 },
      current_state: currentState,
      previous_state: previousState,
      occurred_at: '2026-11-22T10:00:00Z',
    },
    subscription_id: 'f2264fe5-a0f6-4d5e-b4c6-a2b1b6f0c1d7',
    event_type: 'transfers#state-change',
    schema_version: '2.0.0',
    sent_at: '2026-11-22T10:00:01Z',
  });
}

/** Wise's signature: RSA-SHA256 over the body, base64. */
const signatureOf = (body: string, key: KeyObject = wiseKeys.privateKey) => sign('sha256', Buffer.from(body), key).toString('base64');

const usdPayout = (payoutId: string): PayoutRequest => ({
  payoutId,
  amountMinor: 2000n,
  currency: 'USD',
  sourceCurrency: 'USD',
  destination: { type: 'bank_account', holderName: 'Dana Creator', accountNumber: '000123456789', routingCode: '110000000', country: 'US', currency: 'USD' },
});

describe('Wise payout provider', () => {
  let api: Awaited<ReturnType<typeof fakeWiseApi>>;
  before(async () => {
    api = await fakeWiseApi();
  });
  after(async () => {
    await api?.close();
  });

  const provider = (payoutIdOf: (transferId: string) => Promise<string | undefined> = async () => undefined) =>
    createWisePayoutProvider({ apiUrl: api.url, apiToken: API_TOKEN, profileId: PROFILE_ID, webhookPublicKey: WEBHOOK_PUBLIC_KEY, payoutIdOf });
  const callsFrom = (start: number) => api.requests.slice(start);

  it('sends a payout as a quote, a recipient, a transfer keyed by the payout and its funding from the balance, with the bearer token', async () => {
    const start = api.requests.length;
    const result = await provider().send(usdPayout('po_wise_first'));

    const [quote, account, transfer, funding] = callsFrom(start);
    assert.deepEqual(
      callsFrom(start).map((call) => `${call.method} ${call.path}`),
      [`POST /v3/profiles/${PROFILE_ID}/quotes`, 'POST /v1/accounts', 'POST /v1/transfers', `POST /v3/profiles/${PROFILE_ID}/transfers/${result.reference}/payments`],
    );
    for (const call of callsFrom(start)) assert.equal(call.authorization, `Bearer ${API_TOKEN}`);
    assert.deepEqual(quote!.body, { sourceCurrency: 'USD', targetCurrency: 'USD', targetAmount: 20 }, '2,000 cents are 20 dollars');
    assert.equal(account!.body.accountHolderName, 'Dana Creator');
    assert.equal(account!.body.currency, 'USD');
    assert.equal(account!.body.type, 'aba');
    assert.deepEqual(account!.body.details, { legalType: 'PRIVATE', abartn: '110000000', accountNumber: '000123456789', accountType: 'CHECKING', address: { country: 'US' } });
    assert.equal(transfer!.body.customerTransactionId, customerTransactionIdOf('po_wise_first'));
    assert.match(String(transfer!.body.customerTransactionId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a v4-shaped UUID, as Wise asks');
    assert.equal(typeof transfer!.body.quoteUuid, 'string');
    assert.equal(typeof transfer!.body.targetAccount, 'number');
    assert.deepEqual(funding!.body, { type: 'BALANCE' });
    assert.deepEqual(result, { status: 'processing', reference: result.reference });
    assert.match(result.reference, /^\d+$/, "the reference is Wise's transfer id");
  });

  it('sends the same payout twice as one transfer, funded once', async () => {
    const start = api.requests.length;
    const wise = provider();
    const first = await wise.send(usdPayout('po_wise_twice'));
    const again = await wise.send(usdPayout('po_wise_twice'));

    assert.deepEqual(again, first);
    const transfers = callsFrom(start).filter((call) => call.path === '/v1/transfers');
    assert.deepEqual(
      transfers.map((call) => call.body.customerTransactionId),
      [customerTransactionIdOf('po_wise_twice'), customerTransactionIdOf('po_wise_twice')],
    );
    assert.equal(callsFrom(start).filter((call) => call.path.endsWith('/payments')).length, 1, 'the transfer already funded is not funded again');
    assert.notEqual(customerTransactionIdOf('po_wise_twice'), customerTransactionIdOf('po_wise_first'));
  });

  it('quotes amounts in major units whatever the currency has after the decimal point', () => {
    assert.equal(toMajorUnits(2005n, 'USD'), 20.05);
    assert.equal(toMajorUnits(1100n, 'JPY'), 1100);
    assert.equal(toMajorUnits(1100n, 'KRW'), 1100);
    assert.equal(toMajorUnits(1234n, 'KWD'), 1.234);
    assert.equal(JSON.stringify({ targetAmount: toMajorUnits(1999n, 'EUR') }), '{"targetAmount":19.99}');
  });

  it('quotes currencies without a minor unit, such as JPY, in whole yen, and pays wallets by email', async () => {
    const start = api.requests.length;
    await provider().send({
      payoutId: 'po_wise_jpy',
      amountMinor: 1100n,
      currency: 'JPY',
      sourceCurrency: 'JPY',
      destination: { type: 'wallet', holderName: 'Dana Creator', email: 'dana@example.com', country: 'JP', currency: 'JPY' },
    });

    const [quote, account] = callsFrom(start);
    assert.equal(quote!.body.targetAmount, 1100);
    assert.equal(account!.body.type, 'email');
    assert.deepEqual(account!.body.details, { email: 'dana@example.com' });
  });

  it("answers failed with Wise's reason when the balance refuses to fund the transfer, or Wise refuses the recipient", async () => {
    api.state.refuseFunding = true;
    try {
      const refused = await provider().send(usdPayout('po_wise_unfunded'));
      assert.equal(refused.status, 'failed');
      assert.match(refused.status === 'failed' ? refused.reason : '', /transfer\.insufficient_funds/);
      assert.match(refused.reference, /^\d+$/);
    } finally {
      api.state.refuseFunding = false;
    }
    const invalid = await provider().send({ ...usdPayout('po_wise_invalid'), destination: { ...usdPayout('').destination, holderName: 'Nobody Valid' } });
    assert.deepEqual(invalid, { status: 'failed', reference: customerTransactionIdOf('po_wise_invalid'), reason: 'Please specify a valid routing number.' });
  });

  it('throws on a server error or a refused token, so the payout is sent again later', async () => {
    api.state.failWithServerError = true;
    try {
      await assert.rejects(provider().send(usdPayout('po_wise_later')), /Wise answered 503/);
    } finally {
      api.state.failWithServerError = false;
    }
    const wrongToken = createWisePayoutProvider({ apiUrl: api.url, apiToken: 'expired', profileId: PROFILE_ID, webhookPublicKey: WEBHOOK_PUBLIC_KEY, payoutIdOf: async () => undefined });
    await assert.rejects(wrongToken.send(usdPayout('po_wise_later')), /Wise answered 401 .*Invalid token/);
  });

  it('turns signed transfer state changes into payout events for the payout of the transfer', async () => {
    const events: PayoutProviderEvent[] = [];
    const wise = provider(async (transferId) => (transferId === '50009001' ? 'po_wise_hooked' : undefined));
    wise.onEvent(async (event) => void events.push(event));
    const deliver = (body: string) => wise.handleWebhook(body, { [WISE_SIGNATURE_HEADER]: signatureOf(body), 'content-type': 'application/json' });

    assert.equal(await deliver(stateChange(50009001, 'processing', 'incoming_payment_waiting')), 'ignored');
    assert.equal(await deliver(stateChange(50009001, 'outgoing_payment_sent', 'processing')), 'paid');
    assert.equal(await deliver(stateChange(50009001, 'bounced_back', 'outgoing_payment_sent')), 'returned');
    assert.equal(await deliver(stateChange(50009001, 'cancelled', 'incoming_payment_waiting')), 'failed');
    assert.equal(await deliver(stateChange(50009999, 'outgoing_payment_sent', 'processing')), 'unknown_transfer');
    assert.equal(await deliver(JSON.stringify({ event_type: 'balances#credit', data: { resource: { id: 1 } } })), 'ignored');
    assert.deepEqual(
      events.map((event) => [event.payoutId, event.type]),
      [
        ['po_wise_hooked', 'paid'],
        ['po_wise_hooked', 'returned'],
        ['po_wise_hooked', 'failed'],
      ],
    );
  });

  it('refuses a webhook signed with another key, a body changed after signing, and a missing signature', async () => {
    const events: PayoutProviderEvent[] = [];
    const wise = provider(async () => 'po_wise_forged');
    wise.onEvent(async (event) => void events.push(event));
    const body = stateChange(50009002, 'outgoing_payment_sent', 'processing');
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

    await assert.rejects(wise.handleWebhook(body, { [WISE_SIGNATURE_HEADER]: signatureOf(body, forger) }), WebhookSignatureError);
    await assert.rejects(wise.handleWebhook(body.replace('outgoing_payment_sent', 'bounced_back'), { [WISE_SIGNATURE_HEADER]: signatureOf(body) }), WebhookSignatureError);
    await assert.rejects(wise.handleWebhook(body, {}), WebhookSignatureError);
    assert.deepEqual(events, []);
  });
});

describe('PAYOUT_PROVIDER=wise configuration', () => {
  const complete = { PAYOUT_PROVIDER: 'wise', WISE_API_TOKEN: API_TOKEN, WISE_PROFILE_ID: String(PROFILE_ID), WISE_WEBHOOK_PUBLIC_KEY: WEBHOOK_PUBLIC_KEY };

  it("takes Wise's token, profile and webhook key, with the live API by default; the sandbox needs none of them", () => {
    assert.deepEqual(loadPayoutConfig(complete).wise, { apiUrl: 'https://api.wise.com', apiToken: API_TOKEN, profileId: PROFILE_ID, webhookPublicKey: WEBHOOK_PUBLIC_KEY });
    assert.equal(loadPayoutConfig({ ...complete, WISE_API_URL: 'https://api.sandbox.transferwise.tech/' }).wise?.apiUrl, 'https://api.sandbox.transferwise.tech');
    assert.equal(loadPayoutConfig({ ...complete, WISE_WEBHOOK_PUBLIC_KEY: WEBHOOK_PUBLIC_KEY.replace(/\n/g, '\\n') }).wise?.webhookPublicKey, WEBHOOK_PUBLIC_KEY, 'a PEM kept on one line');
    assert.equal(loadPayoutConfig({}).wise, undefined);
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['PAYOUT_PROVIDER', { PAYOUT_PROVIDER: 'stripe' }, /^PAYOUT_PROVIDER: expected one of sandbox, wise, paypal/],
    ['WISE_API_TOKEN', { ...complete, WISE_API_TOKEN: '' }, /^WISE_API_TOKEN: PAYOUT_PROVIDER=wise needs it/],
    ['WISE_PROFILE_ID', { ...complete, WISE_PROFILE_ID: '' }, /^WISE_PROFILE_ID: PAYOUT_PROVIDER=wise needs it/],
    ['WISE_PROFILE_ID', { ...complete, WISE_PROFILE_ID: 'business' }, /^WISE_PROFILE_ID: expected a whole number/],
    ['WISE_WEBHOOK_PUBLIC_KEY', { ...complete, WISE_WEBHOOK_PUBLIC_KEY: '' }, /^WISE_WEBHOOK_PUBLIC_KEY: PAYOUT_PROVIDER=wise needs it/],
    ['WISE_WEBHOOK_PUBLIC_KEY', { ...complete, WISE_WEBHOOK_PUBLIC_KEY: 'not a key' }, /^WISE_WEBHOOK_PUBLIC_KEY: expected a PEM public key/],
    ['WISE_API_URL', { ...complete, WISE_API_URL: 'wise' }, /^WISE_API_URL: expected a URL/],
  ];
  for (const [variable, env, message] of refusals) {
    it(`refuses ${variable}=${JSON.stringify(env[variable])} with an error naming it`, () => {
      assert.throws(
        () => loadPayoutConfig(env),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && message.test(error.message),
      );
    });
  }
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`payouts through Wise on ${engine}`, { skip }, () => {
    let t: TestApp;
    let api: Awaited<ReturnType<typeof fakeWiseApi>>;
    let keyCounter = 0;
    before(async () => {
      api = await fakeWiseApi();
      t = await createTestApp(engine, {
        env: {
          PAYOUT_PROVIDER: 'wise',
          WISE_API_URL: api.url,
          WISE_API_TOKEN: API_TOKEN,
          WISE_PROFILE_ID: String(PROFILE_ID),
          WISE_WEBHOOK_PUBLIC_KEY: WEBHOOK_PUBLIC_KEY,
          ...PAYOUTS_APPROVED_AT_ONCE,
        },
      });
    });
    after(async () => {
      await t?.destroy();
      await api?.close();
    });

    const request = (creator: SignedInUser & { methodId: string }, diamonds: number) =>
      t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...creator.headers, 'idempotency-key': `wise-${++keyCounter}` }, payload: { diamonds, methodId: creator.methodId } });
    const payoutOf = async (creator: SignedInUser, id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/payouts/${id}`, headers: creator.headers })).json().payout;
    const deliver = (body: string, signature = signatureOf(body)) =>
      t.app.inject({ method: 'POST', url: '/api/v1/webhooks/wise', headers: { 'content-type': 'application/json', [WISE_SIGNATURE_HEADER]: signature }, payload: body });
    /** The Wise transfer a payout was sent as. */
    const transferOf = async (payoutId: string) => (await t.db.kysely.selectFrom('payouts').select('provider_reference').where('id', '=', payoutId).executeTakeFirstOrThrow()).provider_reference!;

    it('a payout goes to Wise and waits there; outgoing_payment_sent pays it, and bounced_back afterwards returns the diamonds', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 4);
      const start = api.requests.length;

      const response = await request(creator, 2000);
      assert.equal(response.statusCode, 201, response.body);
      const payout = response.json().payout;
      assert.equal(payout.status, 'processing');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 2000n }, 'reserved while Wise sends the money');
      const quote = api.requests.slice(start).find((call) => call.path.endsWith('/quotes'))!;
      assert.deepEqual(quote.body, { sourceCurrency: 'USD', targetCurrency: 'USD', targetAmount: 10 }, '2,000 diamonds are 10 USD');
      const transfer = await transferOf(payout.id);

      const paid = await deliver(stateChange(transfer, 'outgoing_payment_sent', 'processing'));
      assert.equal(paid.statusCode, 200, paid.body);
      assert.deepEqual(paid.json(), { received: true, result: 'paid' });
      assert.equal((await payoutOf(creator, payout.id)).status, 'paid');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      await assertAuditPasses(t);

      const bounced = await deliver(stateChange(transfer, 'bounced_back', 'outgoing_payment_sent'));
      assert.deepEqual(bounced.json(), { received: true, result: 'returned' });
      const returned = await payoutOf(creator, payout.id);
      assert.equal(returned.status, 'returned');
      assert.match(returned.reason, /sent the money back/);
      assert.deepEqual(
        returned.timeline.map((step: { status: string }) => step.status),
        ['requested', 'approved', 'processing', 'paid', 'returned'],
      );
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 4000n });
      await assertAuditPasses(t);
    });

    /** A new creator's payout of all their 2,000 diamonds, as sending it to Wise left it. */
    async function payoutOfNewCreator() {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 2);
      return { creator, payout: (await request(creator, 2000)).json().payout };
    }

    it('money Wise refunds before it was sent fails the payout and gives the diamonds back', async () => {
      const { creator, payout } = await payoutOfNewCreator();
      const refunded = await deliver(stateChange(await transferOf(payout.id), 'funds_refunded', 'processing'));
      assert.deepEqual(refunded.json(), { received: true, result: 'returned' });
      const failed = await payoutOf(creator, payout.id);
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason, /Wise refunded the transfer/);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      await assertAuditPasses(t);
    });

    it('a funding refusal fails the payout at once with the reason, and the diamonds stay', async () => {
      api.state.refuseFunding = true;
      try {
        const { creator, payout } = await payoutOfNewCreator();
        assert.equal(payout.status, 'failed');
        assert.match(payout.reason, /transfer\.insufficient_funds/);
        assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      } finally {
        api.state.refuseFunding = false;
      }
      await assertAuditPasses(t);
    });

    it('a payout Wise did not answer stays processing, and the repair sweep sends it again as the same transfer', async () => {
      api.state.failWithServerError = true;
      let sent;
      try {
        sent = await payoutOfNewCreator();
      } finally {
        api.state.failWithServerError = false;
      }
      const { creator, payout } = sent;
      assert.equal(payout.status, 'processing');
      const start = api.requests.length;
      t.clock.advance(5 * 60_000);
      await t.services.payouts.repair();

      const resent = api.requests.slice(start).filter((call) => call.path === '/v1/transfers');
      assert.deepEqual(
        resent.map((call) => call.body.customerTransactionId),
        [customerTransactionIdOf(payout.id)],
      );
      const paid = await deliver(stateChange(await transferOf(payout.id), 'outgoing_payment_sent', 'processing'));
      assert.deepEqual(paid.json(), { received: true, result: 'paid' });
      assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n });
      await assertAuditPasses(t);
    });

    it('a forged or tampered webhook is refused with 400 and changes nothing; events of unknown transfers are answered', async () => {
      const { creator, payout } = await payoutOfNewCreator();
      const body = stateChange(await transferOf(payout.id), 'outgoing_payment_sent', 'processing');

      const forged = await deliver(body, signatureOf(body, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
      assertRefused(forged, 400, 'invalid_signature');
      const tampered = await deliver(body.replace('outgoing_payment_sent', 'bounced_back'), signatureOf(body));
      assertRefused(tampered, 400, 'invalid_signature');
      assert.equal((await payoutOf(creator, payout.id)).status, 'processing');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 0n });

      // Wise took the payout on: the repair sweep leaves it to Wise's webhooks rather than sending it again.
      const start = api.requests.length;
      t.clock.advance(5 * 60_000);
      await t.services.payouts.repair();
      assert.equal(api.requests.length, start);

      assert.deepEqual((await deliver(stateChange(99_999_999, 'outgoing_payment_sent', 'processing'))).json(), { received: true, result: 'unknown_transfer' });
      await assertAuditPasses(t);
    });

    /** A payout-ready creator with 4,000 diamonds and a bank account in euros (an IBAN). */
    async function euroCreator() {
      const creator = await payoutReadyCreator(t);
      const method = await t.app.inject({
        method: 'POST',
        url: '/api/v1/creator/payout-methods',
        headers: creator.headers,
        payload: { type: 'bank_account', holderName: 'Dana Creator', country: 'DE', currency: 'EUR', accountNumber: 'DE89370400440532013000' },
      });
      assert.equal(method.statusCode, 201, method.body);
      await earnDiamonds(t, creator, 4);
      return { ...creator, methodId: method.json().method.id as string };
    }
    const quoteFor = (creator: SignedInUser & { methodId: string }, diamonds: number) =>
      t.app.inject({ method: 'POST', url: '/api/v1/payouts/quotes', headers: creator.headers, payload: { diamonds, methodId: creator.methodId } });
    const confirm = (creator: SignedInUser & { methodId: string }, diamonds: number, quoteId: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...creator.headers, 'idempotency-key': `wise-${++keyCounter}` }, payload: { diamonds, methodId: creator.methodId, quoteId } });
    const balanceOf = async (accountId: string) => (await t.ledger.getAccount(accountId))?.posted ?? 0n;

    it("a payout to a euro account is quoted with Wise's rate and fee, confirmed, sent in euros as quoted and booked through FX clearing", async () => {
      const creator = await euroCreator();
      assertRefused(await request(creator, 2000), 400, 'quote_required');

      const quoted = await quoteFor(creator, 2000);
      assert.equal(quoted.statusCode, 201, quoted.body);
      const quote = quoted.json().quote;
      // 10.00 USD, less Wise's 0.05 fee, at 0.9213: 9.166935 EUR, rounded down by Wise to 9.16.
      assert.deepEqual(
        { amount: quote.amount, fee: quote.fee, rate: quote.rate, received: quote.received, provider: quote.provider },
        { amount: { amount: 1000, currency: 'USD' }, fee: { amount: 5, currency: 'USD' }, rate: '0.9213', received: { amount: 916, currency: 'EUR' }, provider: 'wise' },
      );
      assert.ok(Date.parse(quote.expiresAt) > t.clock.now().getTime());
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 4000n }, 'a quote reserves nothing');
      const fxBefore = { usd: await balanceOf(platformAccountId('fx_clearing', 'USD')), eur: await balanceOf(platformAccountId('fx_clearing', 'EUR')) };

      const start = api.requests.length;
      const confirmed = await confirm(creator, 2000, quote.id);
      assert.equal(confirmed.statusCode, 201, confirmed.body);
      const payout = confirmed.json().payout;
      assert.equal(payout.status, 'processing');
      assert.deepEqual({ amount: payout.amount, received: payout.received }, { amount: { amount: 1000, currency: 'USD' }, received: { amount: 916, currency: 'EUR' } });
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 2000n });

      const calls = api.requests.slice(start);
      const account = calls.find((call) => call.path === '/v1/accounts')!;
      assert.deepEqual({ currency: account.body.currency, type: account.body.type }, { currency: 'EUR', type: 'iban' });
      const transfer = calls.find((call) => call.path === '/v1/transfers')!;
      const sent = api.quotes.get(String(transfer.body.quoteUuid))!;
      assert.deepEqual({ from: sent.sourceCurrency, to: sent.targetCurrency, received: sent.targetAmount }, { from: 'USD', to: 'EUR', received: 9.16 }, 'Wise sends the quoted euros');

      const paid = await deliver(stateChange(await transferOf(payout.id), 'outgoing_payment_sent', 'processing'));
      assert.deepEqual(paid.json(), { received: true, result: 'paid' });
      assert.equal((await payoutOf(creator, payout.id)).status, 'paid');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      // The dollars went into FX clearing and the euros came out of it: each currency's legs balance.
      const moved = async (currency: 'USD' | 'EUR') => (await balanceOf(platformAccountId('fx_clearing', currency))) - fxBefore[currency === 'USD' ? 'usd' : 'eur'];
      const size = (delta: bigint) => (delta < 0n ? -delta : delta);
      assert.deepEqual([size(await moved('USD')), size(await moved('EUR'))], [1000n, 916n]);
      await assertAuditPasses(t);
      assertRefused(await confirm(creator, 2000, quote.id), 409, 'quote_used');
    });

    it('a quote confirmed by several requests at once pays one payout', async () => {
      const creator = await euroCreator();
      const quote = (await quoteFor(creator, 2000)).json().quote;
      const answers = await Promise.all(Array.from({ length: 5 }, () => confirm(creator, 2000, quote.id)));
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [201, 409, 409, 409, 409], answers.map((answer) => answer.body).join('\n'));
      for (const refused of answers.filter((answer) => answer.statusCode === 409)) assertRefused(refused, 409, 'quote_used');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 2000n });
      const listed = (await t.app.inject({ method: 'GET', url: '/api/v1/payouts', headers: creator.headers })).json().payouts;
      assert.equal(listed.length, 1);
      await assertAuditPasses(t);
    });

    it('an expired quote, or one for other diamonds, is refused and nothing is reserved; a currency Wise cannot pay in is not quoted', async () => {
      const creator = await euroCreator();
      const quote = (await quoteFor(creator, 2000)).json().quote;
      assertRefused(await confirm(creator, 3000, quote.id), 400, 'quote_mismatch');
      t.clock.advance(Date.parse(quote.expiresAt) - t.clock.now().getTime() + 1000);
      await stepUp(t, creator);
      assertRefused(await confirm(creator, 2000, quote.id), 400, 'quote_expired');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 4000n });
      assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/v1/payouts', headers: creator.headers })).json().payouts, []);
      await assertAuditPasses(t);

      const yen = await t.app.inject({
        method: 'POST',
        url: '/api/v1/creator/payout-methods',
        headers: creator.headers,
        payload: { type: 'bank_account', holderName: 'Dana Creator', country: 'JP', currency: 'JPY', accountNumber: '1234567', routingCode: '0001001' },
      });
      assert.equal(yen.statusCode, 201, yen.body);
      assertRefused(await quoteFor({ ...creator, methodId: yen.json().method.id }, 2000), 400, 'currency_not_supported');
    });
  });
}
