import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STRONG_PASSWORD } from '../accounts/testing/users.js';
import { createTestDatabase, enginesUnderTest } from '../db/testing/databases.js';
import { runAudit } from '../ledger/index.js';
import { callServer as call, signUpOverNetwork, startServerProcess, waitUntilReady, type ServerProcess } from '../server/testing/process.js';

async function ready(server: ServerProcess): Promise<string> {
  const url = await server.listening;
  await waitUntilReady(url);
  return url;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a crash between payment and crediting on ${engine}`, { skip }, () => {
    it(
      'a crash between creating the order and recording its payment: a retry of the order, the checkout, or a check with the provider records it, and the payment is credited',
      { timeout: 90_000 },
      async () => {
        const testDb = await createTestDatabase(engine);
        const server = startServerProcess({ DATABASE_URL: testDb.url, RECONCILE_INTERVAL_MS: '0' });
        try {
          const url = await ready(server);
          const { token } = await signUpOverNetwork(url, 'Crash Test');
          // The state such a crash leaves: the order row and the provider's payment, but not the payment's id on the order.
          const forgetPayment = (orderId: string) => testDb.db.kysely.updateTable('orders').set({ provider_payment_id: null }).where('id', '=', orderId).execute();
          const retried = await call(url, 'POST', '/api/v1/orders', { token, key: 'retried-order', body: { packageId: 'pkg_web_700' } });
          await forgetPayment(retried.body.order.id);
          const again = await call(url, 'POST', '/api/v1/orders', { token, key: 'retried-order', body: { packageId: 'pkg_web_700' } });
          assert.equal(again.body.order.id, retried.body.order.id);
          const neverRetried = await call(url, 'POST', '/api/v1/orders', { token, key: 'never-retried-order', body: { packageId: 'pkg_web_700' } });
          await forgetPayment(neverRetried.body.order.id);
          // Crashed again between the provider taking the money at checkout and the checkout recording the payment.
          const crashedTwice = await call(url, 'POST', '/api/v1/orders', { token, key: 'crashed-twice-order', body: { packageId: 'pkg_web_700' } });
          await forgetPayment(crashedTwice.body.order.id);

          for (const order of [retried.body.order, neverRetried.body.order, crashedTwice.body.order]) {
            const paid = await call(url, 'POST', `/api/v1/sandbox/checkout/${order.id}`, { token, body: { card: '4242424242424242', webhooks: 'drop' } });
            assert.equal(paid.status, 200, JSON.stringify(paid.body));
            if (order.id === crashedTwice.body.order.id) await forgetPayment(order.id);
            const checked = await call(url, 'POST', `/api/v1/orders/${order.id}/check`, { token });
            assert.equal(checked.body.order.status, 'succeeded', `${order.id} is credited`);
          }
          const audit = await runAudit(testDb.db);
          assert.equal(audit.ok, true, audit.violations.join('\n'));
        } finally {
          server.child.kill('SIGTERM');
          await server.exited;
          await testDb.destroy();
        }
      },
    );

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
