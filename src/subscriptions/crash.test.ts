import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { auditEverything } from '../audit/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId } from '../ledger/index.js';
import { startServerProcess, waitUntilReady, type ServerProcess } from '../server/testing/process.js';
import { createTestApp } from '../server/testing/app.js';
import { offerTiers } from './testing/tiers.js';
import { monthsAfter } from './periods.js';

const CREATORS = 40;
const VIEWERS = 3;
const PRICE_COINS = 10;
const SUBSCRIPTIONS = CREATORS * VIEWERS;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a crash during a renewal run on ${engine}`, { skip }, () => {
    it('SIGKILL while the renewal job charges: after a restart every month is charged exactly once', { timeout: 180_000 }, async (context) => {
      // The subscriptions are made in this process; a server process on the same database renews them.
      const t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0' } });
      let server: ServerProcess | undefined;
      try {
        const creators: SignedInUser[] = [];
        for (let index = 0; index < CREATORS; index++) {
          const creator = await signUpCreator(t, { displayName: `Creator${index} Fans` });
          await offerTiers(t, creator, [{ level: 1, name: 'Fan', priceCoins: PRICE_COINS }]);
          creators.push(creator);
        }
        const viewers = await Promise.all(Array.from({ length: VIEWERS }, () => viewerWithCoins(t)));
        for (const viewer of viewers) {
          for (const creator of creators) {
            const subscribed = await t.app.inject({
              method: 'POST',
              url: '/api/v1/subscriptions',
              headers: { ...viewer.headers, 'idempotency-key': `${viewer.id}-${creator.id}` },
              payload: { creatorId: creator.id, level: 1 },
            });
            assert.equal(subscribed.statusCode, 201, subscribed.body);
          }
        }
        // A month passes: each first month is moved back so that it has just ended, as the server's clock will see it.
        const rows = await t.db.kysely.selectFrom('subscriptions').select(['id', 'current_period_end']).where('status', '=', 'active').execute();
        assert.equal(rows.length, SUBSCRIPTIONS);
        for (const row of rows) {
          const start = new Date(Date.now() - 40 * 86_400_000);
          const period = { period_start: start.toISOString(), period_end: monthsAfter(start, 1).toISOString() };
          await t.db.kysely.updateTable('subscription_payments').set(period).where('subscription_id', '=', row.id).execute();
          await t.db.kysely
            .updateTable('subscriptions')
            .set({ anchor_at: period.period_start, current_period_start: period.period_start, current_period_end: period.period_end })
            .where('id', '=', row.id)
            .execute();
        }
        const renewals = async () =>
          Number(
            (
              await t.db.kysely
                .selectFrom('subscription_payments')
                .select((eb) => eb.fn.countAll<bigint>().as('n'))
                .where('period_index', '=', 2n)
                .executeTakeFirstOrThrow()
            ).n,
          );

        const env = { DATABASE_URL: t.databaseUrl, RECONCILE_INTERVAL_MS: '0', PAYOUT_REPAIR_INTERVAL_MS: '0', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '20' };
        server = startServerProcess(env);
        await waitUntilReady(await server.listening);
        let before = 0;
        while (before === 0) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          before = await renewals();
        }
        server.child.kill('SIGKILL');
        await server.exited;
        const killedAt = await renewals();
        context.diagnostic(`killed after ${killedAt} of ${SUBSCRIPTIONS} renewals`);

        server = startServerProcess(env);
        await waitUntilReady(await server.listening);
        const deadline = Date.now() + 60_000;
        while ((await renewals()) < SUBSCRIPTIONS) {
          assert.ok(Date.now() < deadline, `only ${await renewals()} of ${SUBSCRIPTIONS} months renewed`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // Let the job run again over what it renewed: nothing more is charged.
        await new Promise((resolve) => setTimeout(resolve, 500));
        server.child.kill('SIGTERM');
        await server.exited;

        const months = await t.db.kysely.selectFrom('ledger_transfers').select('idempotency_key').where('idempotency_key', 'like', 'sub:%').execute();
        assert.equal(months.length, 2 * SUBSCRIPTIONS, 'two months of each subscription, each charged once');
        for (const viewer of viewers) assert.equal(await balanceOf(t, userCoinWalletId(viewer.id)), BigInt(840 - 2 * CREATORS * PRICE_COINS));
        const after = await t.db.kysely.selectFrom('subscriptions').select(['period_index', 'streak_months', 'status']).execute();
        assert.ok(
          after.every((row) => row.period_index === 2n && row.streak_months === 2n && row.status === 'active'),
          'every subscription row caught up with its payment',
        );
        const audit = await auditEverything(t.db);
        assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
      } finally {
        if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
        await server?.exited;
        await t.destroy();
      }
    });
  });
}
