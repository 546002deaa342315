import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditEverything } from '../audit/index.js';
import { createTestDatabase, enginesUnderTest } from '../db/testing/databases.js';
import { callServer, startServerProcess, waitUntilReady } from './testing/process.js';
import { liveWithPayingViewer } from '../gifts/testing/network.js';

/** Clients sending gifts at once while the server is told to stop. */
const CONCURRENT_SENDERS = 24;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`graceful shutdown under load on ${engine}`, { skip }, () => {
    it('SIGTERM while gifts are in flight: every gift answered 201 is in the ledger, the rest are refused cleanly or never reached the server', { timeout: 120_000 }, async () => {
      const testDb = await createTestDatabase(engine);
      const env = { DATABASE_URL: testDb.url, CREATOR_APPROVAL: 'auto', RECONCILE_INTERVAL_MS: '0', AUTH_IP_MAX_REQUESTS: '1000' };
      let server = startServerProcess(env);
      try {
        let url = await server.listening;
        await waitUntilReady(url);
        const { liveId, viewer } = await liveWithPayingViewer(url);

        const acknowledged = new Map<string, string>();
        const unanswered: string[] = [];
        const refusals: number[] = [];
        let signalled = false;
        let answeredAfterSignal = 0;
        const send = async (key: string) => callServer(url, 'POST', `/api/v1/lives/${liveId}/gifts`, { token: viewer.token, key, body: { giftId: 'gift_rose', quantity: 1 } });
        const senders = Array.from({ length: CONCURRENT_SENDERS }, async (_, sender) => {
          for (let index = 0; ; index++) {
            const key = `shutdown-${sender}-${index}`;
            try {
              const sent = await send(key);
              if (sent.status !== 201) {
                refusals.push(sent.status);
                assert.equal(sent.status, 503, JSON.stringify(sent.body));
                assert.equal(sent.body.error.code, 'shutting_down');
                return;
              }
              acknowledged.set(key, sent.body.gift.id as string);
              if (signalled) answeredAfterSignal++;
            } catch {
              unanswered.push(key); // refused connection or closed socket: the client does not know, and retries later
              return;
            }
          }
        });
        while (acknowledged.size < 100) await new Promise((resolve) => setTimeout(resolve, 10));
        signalled = true;
        server.child.kill('SIGTERM');
        await Promise.all(senders);
        const { code } = await server.exited;
        assert.equal(code, 0, JSON.stringify(server.logs.slice(-10)));
        assert.equal(server.logs.at(-1)?.msg, 'shut down cleanly');

        const recorded = await testDb.db.kysely.selectFrom('gift_events').select('transfer_id').where('sender_id', '=', viewer.id).execute();
        const recordedIds = new Set(recorded.map((row) => row.transfer_id));
        for (const [key, giftId] of acknowledged) assert.ok(recordedIds.has(giftId), `gift ${giftId} (${key}) was answered 201 but is missing`);
        assert.ok(recordedIds.size <= acknowledged.size + unanswered.length, 'no gift beyond those sent');

        // The clients that got no answer retry with the same key once the server is back: each is sent once in all.
        server = startServerProcess(env);
        url = await server.listening;
        for (const key of unanswered) assert.equal((await send(key)).status, 201);
        for (const [key, giftId] of acknowledged) assert.equal((await send(key)).body.gift.id, giftId, `a retry of ${key} answers the first gift`);
        const total = await testDb.db.kysely
          .selectFrom('gift_events')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('sender_id', '=', viewer.id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(total.count), acknowledged.size + unanswered.length);
        const report = await auditEverything(testDb.db);
        assert.equal(report.ok, true, report.violations.join('\n'));
        console.log(`${engine}: ${acknowledged.size} acknowledged (${answeredAfterSignal} after SIGTERM), ${refusals.length} refused with 503, ${unanswered.length} unanswered and retried`);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
        await testDb.destroy();
      }
    });
  });
}
