import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSignedInAdmin, signUpCreator, uniqueEmail, type SignedInUser } from '../../accounts/testing/users.js';
import { ConfigError, loadConfig } from '../../config/index.js';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { startServerProcess } from '../../server/testing/process.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';
import { assertRefused } from '../../server/testing/errors.js';
import { createWebhooks } from '../../webhooks/webhooks.js';

/**
 * Attacks at the edges: production with sandbox money, forwarded addresses, deeply nested bodies,
 * over-long path parameters, lone surrogates, and webhook addresses that are or embed private ones,
 * pinned between check and connection.
 */

const WISE_PUBLIC_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** Every provider a real one: Stripe takes payments (so there is no sandbox app store), Wise pays out, admins review identities. */
const REAL_PROVIDERS = {
  PAYMENT_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_edges',
  STRIPE_WEBHOOK_SECRET: 'whsec_edges',
  PAYOUT_PROVIDER: 'wise',
  WISE_API_TOKEN: 'wise-token',
  WISE_PROFILE_ID: '42',
  WISE_WEBHOOK_PUBLIC_KEY: WISE_PUBLIC_KEY,
  IDENTITY_PROVIDER: 'manual',
};

describe('production with sandbox providers', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.message;
    }
    return assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
  };

  it('refuses NODE_ENV=production with any sandbox provider, naming the variables, unless ALLOW_SANDBOX_IN_PRODUCTION=true', () => {
    const all = refusal({ NODE_ENV: 'production' });
    for (const name of ['PAYMENT_PROVIDER', 'PAYOUT_PROVIDER', 'IDENTITY_PROVIDER', 'ALLOW_SANDBOX_IN_PRODUCTION']) assert.match(all, new RegExp(name), all);
    // Each sandbox alone is enough to refuse.
    for (const [name, sandbox] of [
      ['PAYMENT_PROVIDER', { PAYMENT_PROVIDER: 'sandbox', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' }],
      ['PAYOUT_PROVIDER', { PAYOUT_PROVIDER: 'sandbox' }],
      ['IDENTITY_PROVIDER', { IDENTITY_PROVIDER: 'sandbox' }],
    ] as const) {
      const message = refusal({ ...REAL_PROVIDERS, ...sandbox, NODE_ENV: 'production' });
      assert.match(message, new RegExp(`${name}=sandbox`), message);
    }
    assert.equal(loadConfig({ ...REAL_PROVIDERS, NODE_ENV: 'production' }).nodeEnv, 'production');
    assert.equal(loadConfig({ NODE_ENV: 'production', ALLOW_SANDBOX_IN_PRODUCTION: 'true' }).nodeEnv, 'production');
    assert.equal(loadConfig({ NODE_ENV: 'development' }).nodeEnv, 'development', 'outside production the sandbox is the default');
    assert.match(refusal({ NODE_ENV: 'production', ALLOW_SANDBOX_IN_PRODUCTION: 'perhaps' }), /ALLOW_SANDBOX_IN_PRODUCTION/);
  });

  it('a production server process with the sandbox exits 1 before touching the database', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ovation-edges-'));
    try {
      const database = join(folder, 'ovation.db');
      const server = startServerProcess({ NODE_ENV: 'production', DATABASE_URL: database, PAYMENT_PROVIDER: '', PAYOUT_PROVIDER: '', IDENTITY_PROVIDER: '', ALLOW_SANDBOX_IN_PRODUCTION: '' });
      const started = await server.listening.then(
        () => true,
        () => false,
      );
      if (started) server.child.kill('SIGTERM');
      const { code } = await server.exited;
      assert.equal(started, false, 'the server started');
      assert.equal(code, 1, server.stderr());
      assert.match(server.stderr(), /ovation: invalid configuration: .*PAYMENT_PROVIDER=sandbox.*ALLOW_SANDBOX_IN_PRODUCTION/);
      assert.equal(existsSync(database), false, 'the database was not opened');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("a server process with a bad value in a module's own setting exits 1 naming it, before touching the database", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ovation-edges-'));
    try {
      const database = join(folder, 'ovation.db');
      for (const [name, value] of [
        ['ROOM_FANOUT_TICK_MS', 'often'],
        ['PAYOUT_PROVIDER', 'paypal'],
      ] as const) {
        const server = startServerProcess({ DATABASE_URL: database, [name]: value });
        const started = await server.listening.then(
          () => true,
          () => false,
        );
        if (started) server.child.kill('SIGTERM');
        const { code } = await server.exited;
        assert.equal(started, false, `the server started with ${name}=${value}`);
        assert.equal(code, 1, server.stderr());
        assert.match(server.stderr(), new RegExp(`ovation: invalid configuration: .*${name}`));
        assert.equal(existsSync(database), false, `the database was opened before ${name} was checked`);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('opted in with ALLOW_SANDBOX_IN_PRODUCTION=true, the server starts and says so loudly in its log', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ovation-edges-'));
    const server = startServerProcess({ NODE_ENV: 'production', DATABASE_URL: join(folder, 'ovation.db'), ALLOW_SANDBOX_IN_PRODUCTION: 'true', SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      await server.listening;
      const loud = server.logs.filter((line) => line.level >= 40 && /sandbox/i.test(line.msg));
      assert.equal(loud.length, 1, JSON.stringify(server.logs));
      assert.match(loud[0]!.msg, /PAYMENT_PROVIDER=sandbox/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`hardening edges on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;

    before(async () => {
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    describe('production with sandbox money', () => {
      it('the app is not built in production with the sandbox; with real providers it serves no sandbox route', async () => {
        await assert.rejects(createTestApp(engine, { env: { NODE_ENV: 'production' } }), (error: unknown) => error instanceof ConfigError && /PAYMENT_PROVIDER=sandbox/.test(error.message));
        const production = await createTestApp(engine, { env: { ...REAL_PROVIDERS, NODE_ENV: 'production' } });
        try {
          const paths = Object.keys((await production.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths as object);
          assert.ok(paths.length > 50);
          assert.deepEqual(
            paths.filter((path) => /sandbox/.test(path)),
            [],
          );
          assert.equal(production.services.appStore, undefined);
          assert.equal(production.services.payoutSandbox, undefined);
          // Identity checks wait for an admin: nobody is verified for a made-up document number.
          const creator = await signUpCreator(production);
          const birthDate = (await production.accounts.getUser(creator.id)).birthDate!;
          const identity = await production.app.inject({
            method: 'POST',
            url: '/api/v1/creator/identity',
            headers: creator.headers,
            payload: { legalName: 'Ada Lovelace', country: 'GB', birthDate, documentType: 'passport', documentNumber: 'X1234-5678-9' },
          });
          assert.equal(identity.statusCode, 201, identity.body);
          assert.equal(identity.json().identity.status, 'pending');
        } finally {
          await production.destroy();
        }
      });
    });

    describe('forwarded client addresses', () => {
      it('TRUST_PROXY=true is refused; a hop count or proxy addresses are taken', () => {
        assert.throws(
          () => loadConfig({ TRUST_PROXY: 'true' }),
          (error: unknown) => error instanceof ConfigError && error.variable === 'TRUST_PROXY' && /hop|address/.test(error.message),
        );
        assert.throws(() => loadConfig({ TRUST_PROXY: 'yes' }), ConfigError);
        assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
        assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,fd00::/8' }).trustProxy, ['10.0.0.1', '192.168.0.0/16', 'fd00::/8']);
        assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
        for (const bad of ['10.0.0.1/33', 'proxy.internal', '-1', '1.5']) assert.throws(() => loadConfig({ TRUST_PROXY: bad }), ConfigError, bad);
      });

      it('per-IP limits count the address the trusted proxy saw, however the client rotates the left-most X-Forwarded-For entry', async () => {
        const proxied = await createTestApp(engine, { env: { TRUST_PROXY: '1', AUTH_IP_MAX_REQUESTS: '3' } });
        try {
          const resetFrom = (claimed: string) =>
            proxied.app.inject({
              method: 'POST',
              url: '/api/v1/auth/password-reset',
              remoteAddress: '10.0.0.2',
              headers: { 'x-forwarded-for': `${claimed}, 198.51.100.7` },
              payload: { email: uniqueEmail() },
            });
          for (let i = 0; i < 3; i++) assert.equal((await resetFrom(`203.0.113.${i + 1}`)).statusCode, 202);
          assertRefused(await resetFrom('203.0.113.99'), 429, 'too_many_requests');
          // Another client behind the same proxy has its own count.
          const other = await proxied.app.inject({
            method: 'POST',
            url: '/api/v1/auth/password-reset',
            remoteAddress: '10.0.0.2',
            headers: { 'x-forwarded-for': '198.51.100.8' },
            payload: { email: uniqueEmail() },
          });
          assert.equal(other.statusCode, 202, other.body);
        } finally {
          await proxied.destroy();
        }
      });

      it('the dev mailbox answers only a loopback peer, whatever X-Forwarded-For claims', async () => {
        const proxied = await createTestApp(engine, { env: { TRUST_PROXY: '1' } });
        try {
          const mailbox = (remoteAddress: string, forwardedFor?: string) =>
            proxied.app.inject({ method: 'GET', url: '/api/v1/dev/mailbox', remoteAddress, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
          assertRefused(await mailbox('203.0.113.5', '127.0.0.1'), 403, 'loopback_only');
          assertRefused(await mailbox('203.0.113.5', '::1'), 403, 'loopback_only');
          // A proxy on this machine forwarding a remote client.
          assertRefused(await mailbox('127.0.0.1', '203.0.113.5'), 403, 'loopback_only');
          assert.equal((await mailbox('127.0.0.1')).statusCode, 200);
          assert.equal((await mailbox('::1')).statusCode, 200);
        } finally {
          await proxied.destroy();
        }
      });
    });

    describe('deeply nested bodies', () => {
      it('a body nested 8,000 deep is refused with 400 body_too_deep, signed in or not', async () => {
        for (const payload of ['['.repeat(8000) + ']'.repeat(8000), '{"a":'.repeat(8000) + '1' + '}'.repeat(8000), `{"email":${'['.repeat(8000)}${']'.repeat(8000)}}`]) {
          for (const [url, headers] of [
            ['/api/v1/auth/login', {}],
            ['/api/v1/auth/signup', {}],
            ['/api/v1/admin/webhooks', admin.headers],
          ] as const) {
            const response = await t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload });
            assertRefused(response, 400, 'body_too_deep');
          }
        }
        // Ordinary nesting is still read.
        const ordinary = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: [[[['x']]]], password: 'x' } });
        assertRefused(ordinary, 400, 'validation_failed');
      });
    });

    describe('over-long path parameters', () => {
      it('every route with a path parameter answers 414 path_parameter_too_long past 100 characters, and takes 100', async () => {
        const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
        const withParameters = Object.entries(document.paths).filter(([path]) => /\{\w+\}/.test(path));
        assert.ok(withParameters.length > 20, `${withParameters.length} routes with path parameters`);
        const wrong: string[] = [];
        for (const [path, operations] of withParameters) {
          for (const method of Object.keys(operations).filter((name) => ['get', 'post', 'put', 'patch', 'delete'].includes(name))) {
            const url = path.replace(/\{\w+\}/g, 'x'.repeat(101));
            const response = await t.app.inject({ method: method.toUpperCase() as 'GET', url, headers: admin.headers });
            const code = response.statusCode === 414 ? (response.json().error?.code as string | undefined) : undefined;
            if (code !== 'path_parameter_too_long') wrong.push(`${method.toUpperCase()} ${path}: ${response.statusCode} ${response.body.slice(0, 80)}`);
            const fits = await t.app.inject({ method: method.toUpperCase() as 'GET', url: path.replace(/\{\w+\}/g, 'x'.repeat(100)), headers: admin.headers });
            if (fits.statusCode === 414 || fits.statusCode >= 500) wrong.push(`${method.toUpperCase()} ${path} with 100 characters: ${fits.statusCode}`);
          }
        }
        assert.deepEqual(wrong, []);
        // Counted in characters once decoded, and on routes outside the API document too.
        assertRefused(await t.app.inject({ method: 'GET', url: `/api/v1/users/${'%C3%A9'.repeat(101)}` }), 414, 'path_parameter_too_long');
        assert.notEqual((await t.app.inject({ method: 'GET', url: `/api/v1/users/${'%C3%A9'.repeat(100)}` })).statusCode, 414);
        assertRefused(await t.app.inject({ method: 'GET', url: `/overlay/${'k'.repeat(101)}` }), 414, 'path_parameter_too_long');
      });
    });

    describe('lone surrogates', () => {
      it('text with a lone UTF-16 surrogate is refused with 400 invalid_text in bodies, keys, queries and paths; pairs are text', async () => {
        const users = async () =>
          Number(
            (
              await t.db.kysely
                .selectFrom('users')
                .select((eb) => eb.fn.countAll().as('count'))
                .executeTakeFirstOrThrow()
            ).count,
          );
        const before = await users();
        const signup = (displayName: string) =>
          t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/signup',
            headers: { 'content-type': 'application/json' },
            // Written as JSON escapes: a lone surrogate cannot be encoded as UTF-8 on the wire any other way.
            payload: `{"email":"${uniqueEmail()}","password":"correct horse battery staple","displayName":"${displayName}","birthDate":"1990-01-01","region":"US"}`,
          });
        for (const lone of ['Ada \\ud800', '\\udfff Ada', 'A\\udc00\\ud800da']) {
          const refused = await signup(lone);
          assertRefused(refused, 400, 'invalid_text');
          assert.equal(refused.json().error.param, 'displayName');
        }
        const key = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":"a@example.com","password":"x","\\ud800":1}' });
        assertRefused(key, 400, 'invalid_text');
        assert.equal(await users(), before, 'nothing was stored');
        assert.equal((await signup('Ada \\ud83d\\ude00')).statusCode, 201, 'a surrogate pair is an ordinary character');
        // Percent-encoded surrogates are not UTF-8: never decoded into a lone surrogate in a query or a path.
        const query = await t.app.inject({ method: 'GET', url: '/api/v1/admin/users?query=%ED%A0%80', headers: admin.headers });
        assert.ok(query.statusCode < 500, query.body);
        assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/users/%ED%A0%80' }), 400, 'invalid_url');
      });
    });

    describe('webhook addresses', () => {
      const servers: { close(): unknown }[] = [];
      afterEach(async () => {
        for (const endpoint of await t.webhooks.listEndpoints()) await t.webhooks.deleteEndpoint(endpoint.id);
        await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => (server as Server).close(resolve))));
      });
      const register = (url: string) => t.app.inject({ method: 'POST', url: '/api/v1/admin/webhooks', headers: admin.headers, payload: { url, eventTypes: ['gift.sent'] } });

      it('IPv6 literals that are or embed a loopback, private or reserved address are refused; public ones are taken', async () => {
        for (const url of [
          'https://[::127.0.0.1]/',
          'https://[2002:7f00:1::1]/',
          'https://[2002:a00:1::1]/',
          'https://[::ffff:127.0.0.1]/',
          'https://[::ffff:7f00:1]/',
          'https://[0:0:0:0:0:ffff:169.254.169.254]/',
          'https://[::ffff:0:a9fe:a9fe]/',
          'https://[64:ff9b::10.0.0.1]/',
          'https://[64:ff9b:1::1]/',
          'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
          'https://[::]/',
          'https://[::1]/',
          'https://[::2]/',
          'https://[fd12:3456::1]/',
          'https://[fe80::1]/',
          'https://[fec0::1]/',
          'https://[ff02::1]/',
          'https://[2001:db8::1]/',
          'https://[100::1]/',
          'https://192.0.2.1/',
          'https://255.255.255.255/',
        ]) {
          const refused = await register(url);
          assert.equal(refused.statusCode, 400, `${url}: ${refused.body}`);
          assert.equal(refused.json().error.code, 'invalid_webhook_url', url);
        }
        for (const url of ['https://[2606:4700:4700::1111]/', 'https://[2002:808:808::1]/', 'https://[64:ff9b::8.8.8.8]/', 'https://8.8.8.8/hooks']) {
          const taken = await register(url);
          assert.equal(taken.statusCode, 201, `${url}: ${taken.body}`);
        }
      });

      it('a name is refused when any address it resolves to is or embeds a private one, and nothing is sent', async () => {
        const knocked: string[] = [];
        const listener = createTcpServer((socket) => {
          knocked.push('connection');
          socket.destroy();
        });
        await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
        servers.push(listener);
        const port = (listener.address() as AddressInfo).port;
        const lookups: string[] = [];
        const strict = createWebhooks({
          kysely: t.db.kysely,
          now: t.clock.now,
          logger: pino({ level: 'silent' }),
          config: { webhooks: { ...t.config.webhooks, allowInsecureUrls: false } },
          resolve: async (hostname: string) => {
            lookups.push(hostname);
            return [
              { address: '8.8.8.8', family: 4 },
              { address: '2002:7f00:1::1', family: 6 },
            ];
          },
        });
        const endpoint = await strict.createEndpoint({ url: `https://hooks.mixed.test:${port}/`, eventTypes: ['gift.sent'] });
        await strict.sendTest(endpoint.id);
        assert.equal((await strict.deliverDue()).retrying, 1);
        assert.deepEqual(lookups, ['hooks.mixed.test']);
        assert.deepEqual(knocked, []);
        const [delivery] = (await strict.listDeliveries(endpoint.id, { limit: 10 })).deliveries;
        assert.match(delivery?.attempts[0]?.error ?? '', /2002:7f00:1::1/);
      });

      it('the delivery connects to the address that was resolved and checked, never to a second answer', async () => {
        // Two receivers on one port: 127.0.0.1 is the first answer, 127.0.0.2 what the name says afterwards.
        const received: { to: string; headers: IncomingHttpHeaders }[] = [];
        const listen = async (host: string, port: number) => {
          const server = createServer((request, response) => {
            received.push({ to: host, headers: request.headers });
            request.resume();
            response.writeHead(200).end('thanks');
          });
          await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
          servers.push(server);
          return (server.address() as AddressInfo).port;
        };
        const port = await listen('127.0.0.1', 0);
        await listen('127.0.0.2', port);
        let answers = 0;
        const pinned = createWebhooks({
          kysely: t.db.kysely,
          now: t.clock.now,
          logger: pino({ level: 'silent' }),
          config: { webhooks: { ...t.config.webhooks, allowInsecureUrls: true } },
          resolve: async () => [{ address: answers++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }],
        });
        const endpoint = await pinned.createEndpoint({ url: `http://hooks.rebind.test:${port}/ovation`, eventTypes: ['gift.sent'] });
        await pinned.sendTest(endpoint.id);
        assert.equal((await pinned.deliverDue()).delivered, 1);
        assert.equal(answers, 1, 'the name was resolved once');
        assert.deepEqual(
          received.map(({ to, headers }) => ({ to, host: headers.host })),
          [{ to: '127.0.0.1', host: `hooks.rebind.test:${port}` }],
        );
      });
    });
  });
}
