import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { STRONG_PASSWORD, uniqueEmail } from '../accounts/testing/users.js';
import { busesUnderTest } from '../bus/testing/brokers.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from './testing/app.js';

const LOGIN_IP_MAX_FAILURES = 5;
const API_MAX_REQUESTS = 8;
const ATTACKERS = 32;

const redis = (await busesUnderTest()).find((bus) => bus.kind === 'redis')!;

/** An address of the benchmarking range no other test uses: a client of its own behind the trusted proxy. */
function newAddress(): string {
  return `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** Two server processes' apps on one database; on one Redis when `busUrl` is given, else each with its own in-process bus. */
async function twoProcesses(engine: 'sqlite' | 'postgres', busUrl: string | undefined): Promise<[TestApp, TestApp]> {
  const env = {
    TRUST_PROXY: '127.0.0.1',
    LOGIN_IP_MAX_FAILURES: String(LOGIN_IP_MAX_FAILURES),
    // Far above what the attacks reach: the account's own lockout is not what these tests show.
    LOGIN_MAX_FAILURES: '1000',
    API_IP_MAX_REQUESTS: String(API_MAX_REQUESTS),
    API_ACCOUNT_MAX_REQUESTS: String(API_MAX_REQUESTS),
    ...(busUrl ? { BUS_URL: busUrl } : {}),
  };
  const first = await createTestApp(engine, { env });
  return [first, await createTestApp(engine, { env, sharing: first })];
}

/** A user signed up and in from `address`, through the first process. */
async function userFrom(apps: readonly TestApp[], address: string): Promise<{ email: string; token: string }> {
  const email = uniqueEmail('limits');
  const headers = { 'x-forwarded-for': address };
  const signup = await apps[0]!.app.inject({ method: 'POST', url: '/api/v1/auth/signup', headers, payload: { email, password: STRONG_PASSWORD, displayName: 'Limited', birthDate: '1990-01-01' } });
  assert.equal(signup.statusCode, 201, signup.body);
  const login = await apps[0]!.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { email, password: STRONG_PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  return { email, token: login.json<{ token: string }>().token };
}

/** `count` requests at once, every other one to the second process; answers each status. */
async function attack(apps: readonly TestApp[], count: number, request: (index: number) => InjectOptions): Promise<number[]> {
  const answers = await Promise.all(Array.from({ length: count }, (_, index) => apps[index % 2]!.app.inject(request(index))));
  for (const answer of answers) {
    if (answer.statusCode !== 429) continue;
    assert.equal(answer.json<{ error: { code: string } }>().error.code.length > 0, true);
    assert.ok(Number(answer.headers['retry-after']) >= 1, 'a refusal says when to retry');
  }
  return answers.map((answer) => answer.statusCode);
}

const tally = (statuses: number[], status: number) => statuses.filter((each) => each === status).length;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`rate limits of two processes on one Redis, on ${engine}`, { skip: skip ?? redis.skip }, () => {
    let apps: [TestApp, TestApp];
    before(async () => {
      apps = await twoProcesses(engine, redis.url);
    });
    after(async () => {
      await apps[1].destroy();
      await apps[0].destroy();
    });

    it(`${ATTACKERS} concurrent wrong passwords from one address, across both processes, get ${LOGIN_IP_MAX_FAILURES} passwords checked`, async () => {
      const { email } = await userFrom(apps, newAddress());
      const address = newAddress();
      const statuses = await attack(apps, ATTACKERS, () => ({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'x-forwarded-for': address },
        payload: { email, password: 'wrong horse battery staple' },
      }));
      assert.equal(tally(statuses, 401), LOGIN_IP_MAX_FAILURES, JSON.stringify(statuses));
      assert.equal(tally(statuses, 429), ATTACKERS - LOGIN_IP_MAX_FAILURES);
    });

    it(`${ATTACKERS} concurrent requests of one account, from many addresses and both processes, get ${API_MAX_REQUESTS} answers between them`, async () => {
      const { token } = await userFrom(apps, newAddress());
      const statuses = await attack(apps, ATTACKERS, () => ({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': newAddress() } }));
      assert.equal(tally(statuses, 200), API_MAX_REQUESTS, JSON.stringify(statuses));
      assert.equal(tally(statuses, 429), ATTACKERS - API_MAX_REQUESTS);
      const refused = await apps[1].app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': newAddress() } });
      assert.equal(refused.json<{ error: { code: string } }>().error.code, 'rate_limited');
      const metrics = await apps[1].metrics.scrape();
      assert.match(metrics, /ovation_rate_limited_total\{limit="api_account"\} [1-9]/);
    });

    it(`${ATTACKERS} concurrent anonymous requests from one address, across both processes, get ${API_MAX_REQUESTS} answers; health probes and other addresses are not counted`, async () => {
      const address = newAddress();
      const statuses = await attack(apps, ATTACKERS, () => ({ method: 'GET', url: '/api/v1/gifts', headers: { 'x-forwarded-for': address } }));
      assert.equal(tally(statuses, 200), API_MAX_REQUESTS, JSON.stringify(statuses));
      assert.equal(tally(statuses, 429), ATTACKERS - API_MAX_REQUESTS);
      assert.equal((await apps[0].app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': address } })).statusCode, 200);
      assert.equal((await apps[0].app.inject({ method: 'GET', url: '/api/v1/gifts', headers: { 'x-forwarded-for': newAddress() } })).statusCode, 200);
    });
  });
}

describe('rate limits without Redis are per process', () => {
  let apps: [TestApp, TestApp];
  before(async () => {
    apps = await twoProcesses('sqlite', undefined);
  });
  after(async () => {
    await apps[1].destroy();
    await apps[0].destroy();
  });

  it(`each of two processes takes ${LOGIN_IP_MAX_FAILURES} wrong passwords and ${API_MAX_REQUESTS} requests from one address`, async () => {
    const { email } = await userFrom(apps, newAddress());
    const address = newAddress();
    const logins = await attack(apps, ATTACKERS, () => ({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-for': address },
      payload: { email, password: 'wrong horse battery staple' },
    }));
    assert.equal(tally(logins, 401), 2 * LOGIN_IP_MAX_FAILURES, JSON.stringify(logins));
    const other = newAddress();
    const reads = await attack(apps, ATTACKERS, () => ({ method: 'GET', url: '/api/v1/gifts', headers: { 'x-forwarded-for': other } }));
    assert.equal(tally(reads, 200), 2 * API_MAX_REQUESTS, JSON.stringify(reads));
  });
});
