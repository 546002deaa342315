import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { signUpAndLogIn } from '../accounts/testing/users.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import { IgnoredWebhookEvent } from './provider.js';
import { createStripeProvider, STRIPE_SIGNATURE_HEADER } from './stripe.js';

const WEBHOOK_SECRET = 'whsec_5f0c2b7e9a4d1c8f3b6e0a2d7c9f4b1e';
const NOW = new Date('2026-11-18T12:00:00Z');

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/stripe/${name}.json`, import.meta.url), 'utf8');

/** The secret Stripe.js confirms a recorded intent with. */
const clientSecretOf = (name: string): string => (JSON.parse(fixture(`payment_intent.${name}`)) as Stripe.PaymentIntent).client_secret!;

/** What Stripe answers when `latest_charge` is not expanded: the charge's id only. */
function collapseLatestCharge(intentJson: string): string {
  const intent = JSON.parse(intentJson) as Stripe.PaymentIntent;
  return JSON.stringify({ ...intent, latest_charge: typeof intent.latest_charge === 'object' ? (intent.latest_charge?.id ?? null) : intent.latest_charge });
}

interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  form: URLSearchParams;
}

/**
 * Stands in for api.stripe.com through the SDK's own fetch client: creating
 * an intent answers with the recorded intent for that order; retrieving
 * answers with the recorded intent of that id (its charge expanded only if
 * asked) or Stripe's 404; the refundable intent can be refunded once, as
 * Stripe refuses a second refund, and the disputed one not at all. Every
 * request is kept for the test to inspect.
 */
function fakeStripeApi() {
  const byKey = (names: string[], key: (intent: Stripe.PaymentIntent) => string) =>
    new Map(
      names.map((name) => {
        const body = fixture(`payment_intent.${name}`);
        return [key(JSON.parse(body) as Stripe.PaymentIntent), body];
      }),
    );
  const createdByOrder = byKey(['created', 'created_jpy'], (intent) => intent.metadata.orderId!);
  const intentsById = byKey(['succeeded', 'requires_action', 'insufficient_funds', 'canceled', 'disputed', 'processing', 'refunded'], (intent) => intent.id);
  const refund = JSON.parse(fixture('refund.created')) as Stripe.Refund;
  const disputed = JSON.parse(fixture('payment_intent.disputed')) as Stripe.PaymentIntent;
  let refunded = false;
  const requests: RecordedRequest[] = [];

  const fakeFetch: typeof fetch = async (input, init) => {
    const request = { method: init?.method ?? 'GET', url: new URL(String(input)), headers: new Headers(init?.headers), form: new URLSearchParams(typeof init?.body === 'string' ? init.body : '') };
    requests.push(request);
    const answer = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': 'application/json', 'request-id': `req_fake${requests.length}` } });
    const intentId = /^\/v1\/payment_intents\/(pi_\w+)$/.exec(request.url.pathname)?.[1];
    if (request.method === 'POST' && request.url.pathname === '/v1/payment_intents') {
      const created = createdByOrder.get(request.form.get('metadata[orderId]') ?? '');
      if (created) return answer(200, created);
    } else if (request.method === 'POST' && request.url.pathname === '/v1/refunds') {
      const paymentIntent = request.form.get('payment_intent');
      if (paymentIntent === disputed.id) return answer(400, fixture('error.charge_disputed'));
      if (paymentIntent === refund.payment_intent) {
        if (refunded) return answer(400, fixture('error.charge_already_refunded'));
        refunded = true;
        return answer(200, fixture('refund.created'));
      }
    } else if (request.method === 'GET' && intentId) {
      const found = intentsById.get(intentId);
      if (!found) return answer(404, fixture('error.resource_missing'));
      return answer(200, request.url.searchParams.get('expand[0]') === 'latest_charge' ? found : collapseLatestCharge(found));
    }
    return answer(400, JSON.stringify({ error: { type: 'invalid_request_error', message: `The fake has no answer for ${request.method} ${request.url.pathname}.` } }));
  };

  return { requests, httpClient: Stripe.createFetchHttpClient(fakeFetch) };
}

function provider(api = fakeStripeApi()) {
  return createStripeProvider({ secretKey: 'sk_test_51QwK2hLkdIwHu7ixFakeKeyForTests', webhookSecret: WEBHOOK_SECRET, httpClient: api.httpClient, now: () => NOW });
}

describe('Stripe provider: payments', () => {
  it('creates a PaymentIntent for the order, keyed by the order so a retry gets the same intent', async () => {
    const api = fakeStripeApi();
    const stripe = provider(api);
    const order = { orderId: 'ord_7k2m9xq4tv8hc3nw5rjp', amountMinor: 740n, currency: 'USD' };

    const first = await stripe.createPayment(order);
    const retried = await stripe.createPayment(order);

    assert.deepEqual(first, {
      id: 'pi_3QyB4nLkdIwHu7ix1Fq8Xa2T',
      orderId: 'ord_7k2m9xq4tv8hc3nw5rjp',
      status: 'requires_payment_method',
      failureCode: null,
      clientSecret: clientSecretOf('created'),
    });
    assert.deepEqual(retried, first);
    assert.equal(api.requests.length, 2);
    for (const request of api.requests) {
      assert.equal(request.method, 'POST');
      assert.equal(request.url.pathname, '/v1/payment_intents');
      assert.equal(request.form.get('amount'), '740');
      assert.equal(request.form.get('currency'), 'usd');
      assert.equal(request.form.get('metadata[orderId]'), 'ord_7k2m9xq4tv8hc3nw5rjp');
      assert.equal(request.form.get('automatic_payment_methods[enabled]'), 'true');
      assert.equal(request.headers.get('idempotency-key'), 'ovation_order_ord_7k2m9xq4tv8hc3nw5rjp');
    }
  });

  it('sends a JPY amount unchanged, since yen have no minor unit, under its own order key', async () => {
    const api = fakeStripeApi();
    const payment = await provider(api).createPayment({ orderId: 'ord_h4z8t2cq9mx6wk3vb7dn', amountMinor: 1100n, currency: 'JPY' });

    assert.equal(payment.id, 'pi_3QyB6rLkdIwHu7ix0Hs5Nn4K');
    assert.equal(api.requests[0]!.form.get('amount'), '1100');
    assert.equal(api.requests[0]!.form.get('currency'), 'jpy');
    assert.equal(api.requests[0]!.headers.get('idempotency-key'), 'ovation_order_ord_h4z8t2cq9mx6wk3vb7dn');
  });

  it('refuses an amount a JavaScript number cannot hold exactly, before calling Stripe', async () => {
    const api = fakeStripeApi();
    await assert.rejects(provider(api).createPayment({ orderId: 'ord_7k2m9xq4tv8hc3nw5rjp', amountMinor: 2n ** 53n, currency: 'USD' }), RangeError);
    assert.equal(api.requests.length, 0);
  });

  const retrievals = [
    { fixture: 'succeeded', id: 'pi_3QyB4nLkdIwHu7ix1Fq8Xa2T', orderId: 'ord_7k2m9xq4tv8hc3nw5rjp', status: 'succeeded', failureCode: null },
    { fixture: 'requires_action', id: 'pi_3QyB7aLkdIwHu7ix0Rd2Vt6M', orderId: 'ord_3pq8vz5ky2hn7cwr4tm9', status: 'requires_action', failureCode: null },
    { fixture: 'insufficient_funds', id: 'pi_3QyB8cLkdIwHu7ix1Jm3Pq7W', orderId: 'ord_9wc4nm7tx2kz5hq8vr3b', status: 'failed', failureCode: 'insufficient_funds' },
    { fixture: 'canceled', id: 'pi_3QyB9eLkdIwHu7ix0Wn6Ct1Y', orderId: 'ord_5ht9kw3zq7cm2xv8nr4p', status: 'failed', failureCode: 'canceled' },
    { fixture: 'disputed', id: 'pi_3QyBAgLkdIwHu7ix0Pk4Rz8E', orderId: 'ord_2vm6xq9tk4zc8hw3nr7b', status: 'disputed', failureCode: null },
    { fixture: 'processing', id: 'pi_3QyBBkLkdIwHu7ix1Gy7Ub3F', orderId: 'ord_8nq3zt6wc9kx2mh5vr4d', status: 'requires_payment_method', failureCode: null },
    { fixture: 'refunded', id: 'pi_3QyBDpLkdIwHu7ix0Tb9Hw5C', orderId: 'ord_4kz7wq2xn9tc5hm8vr3d', status: 'refunded', failureCode: null },
  ] as const;

  for (const expected of retrievals) {
    it(`reads the ${expected.fixture.replace(/_/g, ' ')} PaymentIntent as ${expected.status}${expected.failureCode ? ` (${expected.failureCode})` : ''}`, async () => {
      const api = fakeStripeApi();
      const payment = await provider(api).retrievePayment(expected.id);

      assert.deepEqual(payment, { id: expected.id, orderId: expected.orderId, status: expected.status, failureCode: expected.failureCode, clientSecret: clientSecretOf(expected.fixture) });
      assert.equal(api.requests[0]!.method, 'GET');
      assert.equal(api.requests[0]!.url.pathname, `/v1/payment_intents/${expected.id}`);
    });
  }

  it('answers undefined for a PaymentIntent Stripe does not have', async () => {
    assert.equal(await provider().retrievePayment('pi_3QyBZZLkdIwHu7ix0Mv4Nq8J'), undefined);
  });

  const refundedPayment = { id: 'pi_3QyBDpLkdIwHu7ix0Tb9Hw5C', orderId: 'ord_4kz7wq2xn9tc5hm8vr3d', status: 'refunded', failureCode: null, clientSecret: clientSecretOf('refunded') };

  it("refunds the whole payment under the caller's idempotency key and reads it back as refunded", async () => {
    const api = fakeStripeApi();
    assert.deepEqual(await provider(api).refundPayment('pi_3QyBDpLkdIwHu7ix0Tb9Hw5C', 'order_refund:ord_4kz7wq2xn9tc5hm8vr3d'), refundedPayment);

    const [refund, retrieve] = api.requests;
    assert.equal(refund!.url.pathname, '/v1/refunds');
    assert.deepEqual([...refund!.form.entries()], [['payment_intent', 'pi_3QyBDpLkdIwHu7ix0Tb9Hw5C']]);
    assert.equal(refund!.headers.get('idempotency-key'), 'order_refund:ord_4kz7wq2xn9tc5hm8vr3d');
    assert.equal(retrieve!.url.pathname, '/v1/payment_intents/pi_3QyBDpLkdIwHu7ix0Tb9Hw5C');
  });

  it('takes Stripe\'s "already refunded" as the refund done', async () => {
    const stripe = provider();
    await stripe.refundPayment('pi_3QyBDpLkdIwHu7ix0Tb9Hw5C', 'order_refund:ord_4kz7wq2xn9tc5hm8vr3d');
    assert.deepEqual(await stripe.refundPayment('pi_3QyBDpLkdIwHu7ix0Tb9Hw5C', 'order_refund:ord_4kz7wq2xn9tc5hm8vr3d:again'), refundedPayment);
  });

  it('passes on any other refusal, such as a charged-back payment', async () => {
    await assert.rejects(provider().refundPayment('pi_3QyBAgLkdIwHu7ix0Pk4Rz8E', 'order_refund:ord_2vm6xq9tk4zc8hw3nr7b'), { type: 'StripeInvalidRequestError', code: 'charge_disputed' });
  });
});

/** A PaymentIntent as Stripe answers an off-session charge of a saved card. */
function offSessionIntent(overrides: Partial<Stripe.PaymentIntent>): Stripe.PaymentIntent {
  return {
    ...(JSON.parse(fixture('payment_intent.succeeded')) as Stripe.PaymentIntent),
    id: 'pi_3QyCK1LkdIwHu7ix0Ws8Tb2N',
    customer: 'cus_RqZ8mN3kT7wXa2',
    payment_method: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds',
    metadata: { orderId: 'ord_5mv8kq2zt7cw3xn9hr4b' },
    client_secret: null,
    ...overrides,
  } as Stripe.PaymentIntent;
}

/** Stands in for Stripe's customers, payment methods and off-session PaymentIntents: `charge` says what a charge answers. */
function fakeCardApi(charge: () => { status: number; body: unknown }) {
  const requests: RecordedRequest[] = [];
  const fakeFetch: typeof fetch = async (input, init) => {
    const request = { method: init?.method ?? 'GET', url: new URL(String(input)), headers: new Headers(init?.headers), form: new URLSearchParams(typeof init?.body === 'string' ? init.body : '') };
    requests.push(request);
    const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'request-id': `req_fake${requests.length}` } });
    const path = request.url.pathname;
    if (request.method === 'POST' && path === '/v1/customers') return answer(200, { id: 'cus_RqZ8mN3kT7wXa2', object: 'customer', metadata: { userId: request.form.get('metadata[userId]') } });
    if (request.method === 'POST' && path === '/v1/payment_methods/pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds/attach') {
      return answer(200, {
        id: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds',
        object: 'payment_method',
        type: 'card',
        customer: request.form.get('customer'),
        card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 },
      });
    }
    if (request.method === 'POST' && path === '/v1/payment_methods/pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds/detach')
      return answer(200, { id: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds', object: 'payment_method', customer: null });
    if (request.method === 'POST' && path === '/v1/payment_intents') {
      const { status, body } = charge();
      return answer(status, body);
    }
    return answer(400, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `The fake has no answer for ${request.method} ${path}.` } });
  };
  return { requests, httpClient: Stripe.createFetchHttpClient(fakeFetch) };
}

/** A 402 card error carrying the declined PaymentIntent, as Stripe answers a declined off-session charge. */
function cardError(code: string, declineCode: string | undefined, message: string) {
  const lastPaymentError = { type: 'card_error', code, ...(declineCode ? { decline_code: declineCode } : {}), message };
  return {
    status: 402,
    body: {
      error: {
        ...lastPaymentError,
        payment_intent: offSessionIntent({
          status: code === 'authentication_required' ? 'requires_action' : 'requires_payment_method',
          last_payment_error: lastPaymentError as Stripe.PaymentIntent.LastPaymentError,
        }),
      },
    },
  };
}

describe('Stripe provider: saved cards and off-session charges', () => {
  const charge = { orderId: 'ord_5mv8kq2zt7cw3xn9hr4b', amountMinor: 525n, currency: 'USD', customerRef: 'cus_RqZ8mN3kT7wXa2', methodRef: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds' };
  const providerFor = (api: ReturnType<typeof fakeCardApi>) =>
    createStripeProvider({ secretKey: 'sk_test_51QwK2hLkdIwHu7ixFakeKeyForTests', webhookSecret: WEBHOOK_SECRET, httpClient: api.httpClient, now: () => NOW });

  it("saves a card on the user's one customer, made once under the user's key, and answers its last four digits and brand", async () => {
    const api = fakeCardApi(() => ({ status: 500, body: {} }));
    const saved = await providerFor(api).saveCard({ userId: 'usr_4hq8zt2mw6kc9vx3nr7p', paymentMethodId: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds' });
    assert.deepEqual(saved, { customerRef: 'cus_RqZ8mN3kT7wXa2', methodRef: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds', last4: '4242', brand: 'visa' });
    const [customer, attach] = api.requests;
    assert.equal(customer!.url.pathname, '/v1/customers');
    assert.equal(customer!.form.get('metadata[userId]'), 'usr_4hq8zt2mw6kc9vx3nr7p');
    assert.equal(customer!.headers.get('idempotency-key'), 'ovation_customer_usr_4hq8zt2mw6kc9vx3nr7p');
    assert.equal(attach!.url.pathname, '/v1/payment_methods/pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds/attach');
    assert.equal(attach!.form.get('customer'), 'cus_RqZ8mN3kT7wXa2');

    // A later card goes to the customer already made.
    const later = fakeCardApi(() => ({ status: 500, body: {} }));
    await providerFor(later).saveCard({ userId: 'usr_4hq8zt2mw6kc9vx3nr7p', paymentMethodId: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds', customerRef: 'cus_RqZ8mN3kT7wXa2' });
    assert.deepEqual(
      later.requests.map((each) => each.url.pathname),
      ['/v1/payment_methods/pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds/attach'],
    );
  });

  it('detaches a removed card', async () => {
    const api = fakeCardApi(() => ({ status: 500, body: {} }));
    await providerFor(api).removeCard({ customerRef: 'cus_RqZ8mN3kT7wXa2', methodRef: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds' });
    assert.equal(api.requests[0]!.url.pathname, '/v1/payment_methods/pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds/detach');
  });

  it('charges the saved card off-session and confirmed at once, keyed by the order, and answers the succeeded payment', async () => {
    const api = fakeCardApi(() => ({ status: 200, body: offSessionIntent({}) }));
    const payment = await providerFor(api).chargeSavedCard(charge);
    assert.deepEqual(payment, { id: 'pi_3QyCK1LkdIwHu7ix0Ws8Tb2N', orderId: 'ord_5mv8kq2zt7cw3xn9hr4b', status: 'succeeded', failureCode: null });
    const [request] = api.requests;
    assert.equal(request!.url.pathname, '/v1/payment_intents');
    assert.deepEqual(Object.fromEntries(request!.form.entries()), {
      amount: '525',
      currency: 'usd',
      customer: 'cus_RqZ8mN3kT7wXa2',
      payment_method: 'pm_1QyCJ8LkdIwHu7ixVb4Kc9Ds',
      off_session: 'true',
      confirm: 'true',
      'metadata[orderId]': 'ord_5mv8kq2zt7cw3xn9hr4b',
    });
    assert.equal(request!.headers.get('idempotency-key'), 'ovation_order_ord_5mv8kq2zt7cw3xn9hr4b');
  });

  it('answers a decline (a 402 card error carrying the PaymentIntent) as a failed payment with its decline code', async () => {
    const api = fakeCardApi(() => cardError('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'));
    assert.deepEqual(await providerFor(api).chargeSavedCard(charge), { id: 'pi_3QyCK1LkdIwHu7ix0Ws8Tb2N', orderId: 'ord_5mv8kq2zt7cw3xn9hr4b', status: 'failed', failureCode: 'insufficient_funds' });
    const generic = fakeCardApi(() => cardError('card_declined', 'generic_decline', 'Your card was declined.'));
    assert.equal((await providerFor(generic).chargeSavedCard(charge)).failureCode, 'card_declined');
  });

  it('answers a charge that needs the absent buyer to authenticate (authentication_required) as failed: authentication_failed', async () => {
    const api = fakeCardApi(() => cardError('authentication_required', 'authentication_required', 'Your card was declined. This transaction requires authentication.'));
    assert.deepEqual(await providerFor(api).chargeSavedCard(charge), {
      id: 'pi_3QyCK1LkdIwHu7ix0Ws8Tb2N',
      orderId: 'ord_5mv8kq2zt7cw3xn9hr4b',
      status: 'failed',
      failureCode: 'authentication_failed',
    });
  });

  it('passes on an error that is not a decline', async () => {
    const api = fakeCardApi(() => ({ status: 400, body: { error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least $0.50 usd' } } }));
    await assert.rejects(providerFor(api).chargeSavedCard(charge), { type: 'StripeInvalidRequestError', code: 'amount_too_small' });
  });
});

describe('Stripe provider: webhooks', () => {
  const sign = (payload: string, at: Date, secret = WEBHOOK_SECRET) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(at.getTime() / 1000) });
  const secondsBeforeNow = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
  const parse = (body: string, signature: string | string[] | undefined) => provider().parseWebhook(body, { [STRIPE_SIGNATURE_HEADER]: signature, 'content-type': 'application/json' });

  it('parses a signed payment_intent.succeeded into payment.succeeded for its order', () => {
    const body = fixture('event.payment_intent.succeeded');
    assert.deepEqual(parse(body, sign(body, secondsBeforeNow(5))), {
      id: 'evt_3QyB4nLkdIwHu7ix1Rr6Ve8C',
      type: 'payment.succeeded',
      paymentId: 'pi_3QyB4nLkdIwHu7ix1Fq8Xa2T',
      orderId: 'ord_7k2m9xq4tv8hc3nw5rjp',
      failureCode: null,
    });
  });

  it('parses payment_intent.payment_failed with the decline code in our terms', () => {
    const body = fixture('event.payment_intent.payment_failed');
    assert.deepEqual(parse(body, sign(body, secondsBeforeNow(5))), {
      id: 'evt_3QyBCmLkdIwHu7ix0Yp5Tg2H',
      type: 'payment.failed',
      paymentId: 'pi_3QyBCmLkdIwHu7ix0Dk2Qs9A',
      orderId: 'ord_6cx2wn8qz4tk9vh3mr7p',
      failureCode: 'authentication_failed',
    });
  });

  it('parses charge.dispute.created into payment.disputed for its PaymentIntent, with no order id (a dispute carries none)', () => {
    const body = fixture('event.charge.dispute.created');
    assert.deepEqual(parse(body, sign(body, secondsBeforeNow(5))), {
      id: 'evt_1QyBHnLkdIwHu7ixZ9bKd3Qm',
      type: 'payment.disputed',
      paymentId: 'pi_3QyBAgLkdIwHu7ix0Pk4Rz8E',
      orderId: '',
      failureCode: null,
    });
  });

  it('parses charge.refunded (a refund in the Dashboard or by the API) into payment.refunded for its PaymentIntent and order', () => {
    const body = fixture('event.charge.refunded');
    assert.deepEqual(parse(body, sign(body, secondsBeforeNow(5))), {
      id: 'evt_3QyBDpLkdIwHu7ix0Ua8Kd4R',
      type: 'payment.refunded',
      paymentId: 'pi_3QyBDpLkdIwHu7ix0Tb9Hw5C',
      orderId: 'ord_4kz7wq2xn9tc5hm8vr3d',
      failureCode: null,
    });
  });

  it('parses refund.created into payment.refunded for its PaymentIntent, with no order id (a refund carries its own metadata)', () => {
    const body = fixture('event.refund.created');
    assert.deepEqual(parse(body, sign(body, secondsBeforeNow(5))), {
      id: 'evt_3QyBDpLkdIwHu7ix0Rf2Wm7T',
      type: 'payment.refunded',
      paymentId: 'pi_3QyBDpLkdIwHu7ix0Tb9Hw5C',
      orderId: '',
      failureCode: null,
    });
  });

  it('accepts a signature up to 300 seconds old and refuses an older one as a replay', () => {
    const body = fixture('event.payment_intent.succeeded');
    assert.equal(parse(body, sign(body, secondsBeforeNow(299))).type, 'payment.succeeded');
    assert.throws(() => parse(body, sign(body, secondsBeforeNow(301))), { name: 'WebhookSignatureError', message: /tolerance/ });
  });

  it('refuses a signature made with another secret', () => {
    const body = fixture('event.payment_intent.succeeded');
    assert.throws(() => parse(body, sign(body, secondsBeforeNow(5), 'whsec_0000000000000000000000000000forged')), { name: 'WebhookSignatureError', message: /No signatures found matching/ });
  });

  it('refuses a body changed after it was signed', () => {
    const body = fixture('event.payment_intent.succeeded');
    const tampered = body.replace('"amount": 740,', '"amount": 74000,');
    assert.notEqual(tampered, body);
    assert.throws(() => parse(tampered, sign(body, secondsBeforeNow(5))), { name: 'WebhookSignatureError', message: /No signatures found matching/ });
  });

  it('refuses a webhook with no signature header, or with two', () => {
    const body = fixture('event.payment_intent.succeeded');
    assert.throws(() => parse(body, undefined), WebhookSignatureError);
    assert.throws(() => parse(body, [sign(body, secondsBeforeNow(5)), sign(body, secondsBeforeNow(5))]), WebhookSignatureError);
  });

  it('reports a verified event the order service does not act on as ignored', () => {
    const body = fixture('event.payment_intent.created');
    assert.throws(
      () => parse(body, sign(body, secondsBeforeNow(5))),
      (error) => error instanceof IgnoredWebhookEvent && error.eventId === 'evt_3QyB6rLkdIwHu7ix0Kc9Fm5T' && error.eventType === 'payment_intent.created',
    );
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a server with PAYMENT_PROVIDER=stripe on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, { env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_ovation', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    });
    after(async () => {
      await t?.destroy();
    });

    const deliver = (payload: string, secret = WEBHOOK_SECRET) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json', [STRIPE_SIGNATURE_HEADER]: Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
        payload,
      });

    it('takes signed events at /api/v1/webhooks/stripe, answers events it does not act on, and refuses forgeries with 400', async () => {
      const ignored = await deliver(fixture('event.payment_intent.created'));
      assert.equal(ignored.statusCode, 200, ignored.body);
      assert.deepEqual(ignored.json(), { received: true, result: 'ignored' });

      const notOurs = await deliver(fixture('event.payment_intent.succeeded'));
      assert.deepEqual(notOurs.json(), { received: true, result: 'unknown_order' });

      const forged = await deliver(fixture('event.payment_intent.succeeded'), 'whsec_someone_else');
      assert.equal(forged.statusCode, 400);
      assert.equal(forged.json().error.code, 'invalid_signature');
      const events = await t.db.kysely.selectFrom('payment_events').selectAll().execute();
      assert.equal(events.length, 0, 'nothing was recorded for events that matched no order');
    });

    it('serves no sandbox: test cards and free app-store receipts are not available', async () => {
      const user = await signUpAndLogIn(t);
      const storePurchase = await t.app.inject({ method: 'POST', url: '/api/v1/sandbox/app-store/purchases', headers: user.headers, payload: { productId: 'pkg_app_70', storefront: 'US' } });
      assert.equal(storePurchase.statusCode, 404);
      const checkout = await t.app.inject({ method: 'POST', url: '/api/v1/sandbox/checkout/ord_x', headers: user.headers, payload: { card: '4242424242424242' } });
      assert.equal(checkout.statusCode, 404);
      const receipt = await t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: user.headers, payload: { receipt: 'a.b.c' } });
      assert.equal(receipt.statusCode, 400);
      assert.equal(receipt.json().error.code, 'app_store_not_enabled');
    });
  });
}
