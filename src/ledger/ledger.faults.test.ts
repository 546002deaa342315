import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { enginesUnderTest } from '../db/testing/databases.js';
import { LedgerError } from './errors.js';
import { coinMove, fundedUser, ISSUANCE, journalSize, ledgerFixture, auditViolations, type LedgerFixture } from './testing/fixtures.js';

const run = promisify(execFile);

/** Makes the database itself fail any insert of a transfer whose key starts with `prefix`, as a full disk or a crash would. */
async function failInsertsOf(fixture: LedgerFixture, prefix: string): Promise<void> {
  if (fixture.db.engine === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER fail_${prefix} BEFORE INSERT ON ledger_transfers WHEN NEW.idempotency_key LIKE '${prefix}%'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      )
      .execute(fixture.db.kysely);
  } else {
    await sql
      .raw(
        `CREATE FUNCTION fail_${prefix}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.idempotency_key LIKE '${prefix}%' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER fail_${prefix} BEFORE INSERT ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION fail_${prefix}();`,
      )
      .execute(fixture.db.kysely);
  }
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`ledger failures on ${engine}`, { skip }, () => {
    let fixture: LedgerFixture;
    before(async () => {
      fixture = await ledgerFixture(engine);
    });
    after(async () => fixture?.destroy());

    it('leaves nothing half-applied when the database fails in the middle of a batch', async () => {
      const sender = await fundedUser(fixture.ledger, 'fault-sender', 100);
      const receiver = await fundedUser(fixture.ledger, 'fault-receiver', 0);
      await failInsertsOf(fixture, 'poison');
      const before = await journalSize(fixture);
      const keys = ['ok-1', 'ok-2', 'poison-3', 'ok-4', 'ok-5'];
      const results = await Promise.allSettled(keys.map((key) => fixture.ledger.submit({ type: 'posted', idempotencyKey: key, legs: coinMove(sender, receiver, 10) })));
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      const failure = (results[2] as PromiseRejectedResult).reason as Error;
      assert.ok(!(failure instanceof LedgerError) && /injected failure/.test(failure.message), 'the caller sees the database error');
      // Exactly the four good transfers, once each; the poisoned one left no row, no entry, no balance change.
      assert.deepEqual(await journalSize(fixture), { transfers: before.transfers + 4, entries: before.entries + 8 });
      assert.equal((await fixture.ledger.getAccount(sender))!.posted, 60n);
      assert.equal((await fixture.ledger.getAccount(receiver))!.posted, 40n);
      assert.equal(await fixture.ledger.getTransferByKey('poison-3'), undefined);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('changes nothing when every transfer of a batch fails to write', async () => {
      const sender = await fundedUser(fixture.ledger, 'doomed-sender', 50);
      await failInsertsOf(fixture, 'doomed');
      const before = await journalSize(fixture);
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => fixture.ledger.submit({ type: 'posted', idempotencyKey: `doomed-${i}`, legs: coinMove(sender, ISSUANCE, 5) })));
      assert.ok(results.every((r) => r.status === 'rejected'));
      assert.deepEqual(await journalSize(fixture), before);
      assert.equal((await fixture.ledger.getAccount(sender))!.posted, 50n);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('reports a tampered balance or journal as a violation', async () => {
      const victim = await fundedUser(fixture.ledger, 'tampered', 30);
      assert.deepEqual(await auditViolations(fixture), []);
      await sql`UPDATE ledger_accounts SET posted = posted + 1 WHERE id = ${victim}`.execute(fixture.db.kysely);
      const violations = await auditViolations(fixture);
      assert.ok(
        violations.some((v) => v.includes('COIN posted balances sum to 1')),
        violations.join('\n'),
      );
      assert.ok(
        violations.some((v) => v.includes(`account ${victim} caches posted 31`)),
        violations.join('\n'),
      );
      await sql`UPDATE ledger_accounts SET posted = posted - 1 WHERE id = ${victim}`.execute(fixture.db.kysely);
      await sql`UPDATE ledger_entries SET amount = amount + 2 WHERE account_id = ${victim}`.execute(fixture.db.kysely);
      assert.ok((await auditViolations(fixture)).some((v) => /unbalanced in COIN by 2/.test(v)));
      await sql`UPDATE ledger_entries SET amount = amount - 2 WHERE account_id = ${victim}`.execute(fixture.db.kysely);
      assert.deepEqual(await auditViolations(fixture), []);
    });
  });
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`two server processes on one ${engine} database`, { skip }, () => {
    // On SQLite, each process's writer keeps the accounts it committed between batches: the other process's
    // commits must reach it, or it would write balances back over theirs.
    it('move money between the same accounts concurrently and the audit passes', async () => {
      const fixture = await ledgerFixture(engine);
      try {
        const wallets = await Promise.all(['w0', 'w1', 'w2', 'w3'].map((id) => fundedUser(fixture.ledger, id, 2000)));
        const worker = (name: string) => run(process.execPath, ['--import', 'tsx', 'src/ledger/testing/transfer-worker.ts', fixture.url, name, wallets.join(','), '1500'], { maxBuffer: 1 << 20 });
        const reports = (await Promise.all([worker('alpha'), worker('beta')])).map((out) => JSON.parse(out.stdout) as { committed: number; refused: number; net: Record<string, string> });
        for (const report of reports) assert.ok(report.committed > 1000, `each process committed transfers (${report.committed})`);
        for (const walletId of wallets) {
          const expected = 2000n + reports.reduce((sum, r) => sum + BigInt(r.net[walletId] ?? '0'), 0n);
          const account = (await fixture.ledger.getAccount(walletId))!;
          assert.equal(account.posted, expected, `${walletId} holds what both processes committed`);
          assert.ok(account.posted >= 0n);
        }
        const { transfers } = await journalSize(fixture);
        assert.equal(transfers, 4 + reports[0]!.committed + reports[1]!.committed, 'one transfer per committed request, retries included once');
        assert.deepEqual(await auditViolations(fixture), []);
      } finally {
        await fixture.destroy();
      }
    });
  });
}
