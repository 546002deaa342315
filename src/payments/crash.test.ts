import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STRONG_PASSWORD } from '../accounts/testing/users.js';
import { createTestDatabase, enginesUnderTest } from '../db/testing/databases.js';
import { runAudit } from '../ledger/index.js';
import { callServer as call, startServerProcess, waitUntilReady, type ServerProcess } from '../server/testing/process.js';

async function ready(server: ServerProcess): Promise<string> {
  const url = await server.listening;
  await waitUntilReady(url);
  return url;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a crash between payment and crediting on ${engine}`, { skip }, () => {
    it('SIGKILL after the provider took the money: after a restart the coins arrive exactly once', { timeout: 90_000 }, async () => {
      const testDb = await createTestDatabase(engine);
      const env = { DATABASE_URL: testDb.url, RECONCILE_INTERVAL_MS: '0' };
      let server = startServerProcess(env);
      try {
        let url = await ready(server);
        const email = `crash-${Date.now()}@example.com`;
        const signup = await call(url, 'POST', '/api/v1/auth/signup', { body: { email, password: STRONG_PASSWORD, displayName: 'Crash Test', birthDate: '1990-01-01' } });
        assert.equal(signup.status, 201, JSON.stringify(signup.body));
        const login = await call(url, 'POST', '/api/v1/auth/login', { body: { email, password: STRONG_PASSWORD } });
        const token = login.body.token as string;
        const created = await call(url, 'POST', '/api/v1/orders', { token, key: 'crash-order', body: { packageId: 'pkg_web_700' } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const order = created.body.order;
        // The provider takes the money, and the webhook that would credit it is lost with the process.
        const paid = await call(url, 'POST', `/api/v1/sandbox/checkout/${order.id}`, { token, body: { card: '4242424242424242', webhooks: 'drop' } });
        assert.equal(paid.body.order.status, 'processing');
        server.child.kill('SIGKILL');
        await server.exited;

        // Restarted with the reconciliation job on: it finds the paid order and credits it.
        server = startServerProcess({ ...env, RECONCILE_INTERVAL_MS: '200' });
        url = await ready(server);
        const deadline = Date.now() + 20_000;
        let status = '';
        while (status !== 'succeeded') {
          assert.ok(Date.now() < deadline, `the order stayed ${status}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = (await call(url, 'GET', `/api/v1/orders/${order.id}`, { token })).body.order.status;
        }
        // Everything else that could credit it again: the buyer's check, and the job's next runs.
        await call(url, 'POST', `/api/v1/orders/${order.id}/check`, { token });
        await new Promise((resolve) => setTimeout(resolve, 500));
        const wallet = await call(url, 'GET', '/api/v1/wallet', { token });
        assert.deepEqual(wallet.body, { coins: order.totalCoins, diamonds: 0 });
        server.child.kill('SIGTERM');
        await server.exited;

        const credits = await testDb.db.kysely.selectFrom('ledger_transfers').select('seq').where('idempotency_key', '=', `order_credit:${order.id}`).execute();
        assert.equal(credits.length, 1);
        const audit = await runAudit(testDb.db);
        assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
        await server.exited;
        await testDb.destroy();
      }
    });
  });
}
