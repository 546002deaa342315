import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`webhook admin routes on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;

    before(async () => {
      // The default settings: https only, no local or private hosts.
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (user: SignedInUser | undefined, method: Method, url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: user?.headers ?? {}, ...(payload ? { payload } : {}) });

    async function register(payload: Record<string, unknown> = {}) {
      const response = await call(admin, 'POST', '/api/v1/admin/webhooks', { url: 'https://hooks.example.com/ovation', eventTypes: ['gift.sent'], ...payload });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().endpoint;
    }

    const endpointIds = async () => ((await call(admin, 'GET', '/api/v1/admin/webhooks')).json().endpoints as { id: string }[]).map((endpoint) => endpoint.id);

    it('an admin registers an endpoint and gets its secret once; lists, reads, changes, rotates and deletes it', async () => {
      const created = await register({ eventTypes: ['gift.sent', 'live.ended', 'gift.sent'], description: '  Analytics pipeline ' });
      assert.match(created.id, /^whep_[0-9a-z]{20}$/);
      assert.match(created.secret, /^whsec_[0-9a-f]{64}$/);
      assert.equal(created.url, 'https://hooks.example.com/ovation');
      assert.deepEqual(created.eventTypes, ['gift.sent', 'live.ended']);
      assert.equal(created.description, 'Analytics pipeline');
      assert.equal(created.enabled, true);

      const listed = (await call(admin, 'GET', '/api/v1/admin/webhooks')).json().endpoints.find((endpoint: { id: string }) => endpoint.id === created.id);
      assert.ok(listed);
      assert.equal('secret' in listed, false, 'the secret is shown only when created or rotated');
      const read = await call(admin, 'GET', `/api/v1/admin/webhooks/${created.id}`);
      assert.equal(read.statusCode, 200);
      assert.deepEqual(read.json().endpoint, listed);

      const patched = await call(admin, 'PATCH', `/api/v1/admin/webhooks/${created.id}`, {
        url: 'https://hooks.example.com/v2#ignored',
        eventTypes: ['live.started'],
        enabled: false,
        description: null,
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().endpoint.url, 'https://hooks.example.com/v2');
      assert.deepEqual(patched.json().endpoint.eventTypes, ['live.started']);
      assert.equal(patched.json().endpoint.enabled, false);
      assert.equal(patched.json().endpoint.description, null);

      assert.equal((await call(admin, 'PATCH', `/api/v1/admin/webhooks/${created.id}`, {})).statusCode, 400, 'a change names at least one field');
      assert.equal((await call(admin, 'POST', `/api/v1/admin/webhooks/${created.id}/rotate-secret`, {})).statusCode, 400, 'a rotation says how long the old secret lasts');

      const rotated = await call(admin, 'POST', `/api/v1/admin/webhooks/${created.id}/rotate-secret`, { previousSecretExpiresInSeconds: 0 });
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.match(rotated.json().endpoint.secret, /^whsec_[0-9a-f]{64}$/);
      assert.notEqual(rotated.json().endpoint.secret, created.secret);
      assert.equal(rotated.json().endpoint.previousSecretExpiresAt, null, 'with no overlap the old secret stops at once');

      const deleted = await call(admin, 'DELETE', `/api/v1/admin/webhooks/${created.id}`);
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.equal((await call(admin, 'GET', `/api/v1/admin/webhooks/${created.id}`)).json().error.code, 'webhook_not_found');
      assert.equal((await call(admin, 'DELETE', `/api/v1/admin/webhooks/${created.id}`)).statusCode, 404);
      assert.equal((await endpointIds()).includes(created.id), false);
    });

    it('unknown event types are refused with 400 naming the known ones, and nothing is registered', async () => {
      const before = await endpointIds();
      for (const eventTypes of [['gift.sent', 'order.shipped'], []]) {
        const response = await call(admin, 'POST', '/api/v1/admin/webhooks', { url: 'https://hooks.example.com/x', eventTypes });
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.code, 'unknown_event_type');
        assert.equal(response.json().error.param, 'eventTypes');
        for (const known of WEBHOOK_EVENT_TYPES) assert.ok(response.json().error.message.includes(known), response.json().error.message);
      }
      assert.match((await call(admin, 'POST', '/api/v1/admin/webhooks', { url: 'https://hooks.example.com/x', eventTypes: ['order.shipped'] })).json().error.message, /"order\.shipped"/);
      assert.deepEqual(await endpointIds(), before);

      const endpoint = await register();
      const patched = await call(admin, 'PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, { eventTypes: ['gift.snet'], enabled: false });
      assert.equal(patched.statusCode, 400);
      assert.deepEqual((await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}`)).json().endpoint, (({ secret: _secret, ...rest }) => rest)(endpoint), 'a refused change changes nothing');
    });

    it('http URLs, localhost and loopback, private and link-local addresses are refused by default', async () => {
      const before = await endpointIds();
      const refused = [
        'http://hooks.example.com/ovation',
        'https://localhost/hooks',
        'https://LOCALHOST./hooks',
        'https://api.localhost/hooks',
        'https://127.0.0.1/hooks',
        'https://127.8.9.10:8443/hooks',
        'https://0x7f.1/hooks',
        'https://2130706433/hooks',
        'https://0.0.0.0/hooks',
        'https://[::1]/hooks',
        'https://[::ffff:127.0.0.1]/hooks',
        'https://10.1.2.3/hooks',
        'https://172.16.0.5/hooks',
        'https://192.168.1.20/hooks',
        'https://169.254.169.254/latest/meta-data',
        'https://100.64.0.1/hooks',
        'https://[fe80::1]/hooks',
        'https://[fd00::1]/hooks',
        'https://user:secret@hooks.example.com/hooks',
        'ftp://hooks.example.com/hooks',
        'hooks.example.com/hooks',
        'not a url',
      ];
      for (const url of refused) {
        const response = await call(admin, 'POST', '/api/v1/admin/webhooks', { url, eventTypes: ['gift.sent'] });
        assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
        assert.equal(response.json().error.code, 'invalid_webhook_url', url);
        assert.equal(response.json().error.param, 'url', url);
      }
      assert.match((await call(admin, 'POST', '/api/v1/admin/webhooks', { url: 'http://hooks.example.com/', eventTypes: ['gift.sent'] })).json().error.message, /https/);
      assert.match((await call(admin, 'POST', '/api/v1/admin/webhooks', { url: 'https://localhost/', eventTypes: ['gift.sent'] })).json().error.message, /WEBHOOKS_ALLOW_INSECURE_URLS/);
      assert.deepEqual(await endpointIds(), before);

      // Public addresses: the documentation ranges (203.0.113.0/24, 2001:db8::/32) are reserved and refused too.
      for (const url of ['https://hooks.example.com/ovation', 'https://8.8.4.4:8443/ovation', 'https://[2606:4700:4700::1111]/ovation']) {
        assert.equal((await register({ url })).url, url);
      }
      const endpoint = await register();
      const patched = await call(admin, 'PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, { url: 'https://192.168.0.1/' });
      assert.equal(patched.statusCode, 400);
      assert.equal((await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}`)).json().endpoint.url, endpoint.url);
    });

    it('the delivery log pages newest first, and unknown ids and cursors are refused', async () => {
      const endpoint = await register();
      const sent: string[] = [];
      for (let n = 0; n < 3; n++) {
        const response = await call(admin, 'POST', `/api/v1/admin/webhooks/${endpoint.id}/test`);
        assert.equal(response.statusCode, 202, response.body);
        assert.equal(response.json().delivery.status, 'pending');
        assert.deepEqual(response.json().delivery.attempts, []);
        sent.push(response.json().delivery.id);
        t.clock.advance(1000);
      }
      const first = await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}/deliveries?limit=2`);
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(
        first.json().deliveries.map((delivery: { id: string }) => delivery.id),
        [sent[2], sent[1]],
      );
      const second = await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}/deliveries?limit=2&after=${first.json().nextCursor}`);
      assert.deepEqual(
        second.json().deliveries.map((delivery: { id: string }) => delivery.id),
        [sent[0]],
      );
      assert.equal(second.json().nextCursor, null);
      assert.equal((await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}/deliveries?status=failed`)).json().deliveries.length, 0);

      const badCursor = await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}/deliveries?after=whdl_nope`);
      assert.equal(badCursor.statusCode, 400);
      assert.equal(badCursor.json().error.code, 'invalid_cursor');
      assert.equal((await call(admin, 'GET', '/api/v1/admin/webhooks/whep_nope/deliveries')).json().error.code, 'webhook_not_found');
      assert.equal((await call(admin, 'POST', '/api/v1/admin/webhooks/whep_nope/test')).statusCode, 404);
      assert.equal((await call(admin, 'PATCH', '/api/v1/admin/webhooks/whep_nope', { enabled: false })).statusCode, 404);
      assert.equal((await call(admin, 'POST', '/api/v1/admin/webhooks/whep_nope/rotate-secret', { previousSecretExpiresInSeconds: 0 })).statusCode, 404);
      const retry = await call(admin, 'POST', '/api/v1/admin/webhook-deliveries/whdl_nope/retry');
      assert.equal(retry.statusCode, 404);
      assert.equal(retry.json().error.code, 'webhook_delivery_not_found');

      const overlap = await call(admin, 'POST', `/api/v1/admin/webhooks/${endpoint.id}/rotate-secret`, { previousSecretExpiresInSeconds: 8 * 86_400 });
      assert.equal(overlap.statusCode, 400);
      assert.equal(overlap.json().error.param, 'previousSecretExpiresInSeconds');
    });

    it('anonymous callers, viewers and creators are refused on every admin webhook route', async () => {
      const endpoint = await register();
      const deliveryId = (await call(admin, 'POST', `/api/v1/admin/webhooks/${endpoint.id}/test`)).json().delivery.id as string;
      const routes: [Method, string, Record<string, unknown>?][] = [
        ['POST', '/api/v1/admin/webhooks', { url: 'https://hooks.example.com/x', eventTypes: ['gift.sent'] }],
        ['GET', '/api/v1/admin/webhooks'],
        ['GET', `/api/v1/admin/webhooks/${endpoint.id}`],
        ['PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, { enabled: false }],
        ['DELETE', `/api/v1/admin/webhooks/${endpoint.id}`],
        ['POST', `/api/v1/admin/webhooks/${endpoint.id}/rotate-secret`, { previousSecretExpiresInSeconds: 0 }],
        ['GET', `/api/v1/admin/webhooks/${endpoint.id}/deliveries`],
        ['POST', `/api/v1/admin/webhooks/${endpoint.id}/test`],
        ['POST', `/api/v1/admin/webhook-deliveries/${deliveryId}/retry`],
      ];
      const viewer = await signUpAndLogIn(t);
      const creator = await signUpCreator(t);
      const before = await endpointIds();
      for (const [method, url, payload] of routes) {
        const anonymous = await call(undefined, method, url, payload);
        assert.equal(anonymous.statusCode, 401, `${method} ${url}: ${anonymous.body}`);
        for (const user of [viewer, creator]) {
          const response = await call(user, method, url, payload);
          assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`);
          assert.equal(response.json().error.code, 'role_required');
        }
      }
      assert.deepEqual(await endpointIds(), before);
      const unchanged = (await call(admin, 'GET', `/api/v1/admin/webhooks/${endpoint.id}`)).json().endpoint;
      assert.equal(unchanged.enabled, true);
    });
  });
}
