import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enginesUnderTest } from '../db/testing/databases.js';
import { formatTortureSummaries, runTorture, tortureProfile, TORTURE_MODES } from './torture.js';

const postgres = (await enginesUnderTest()).find((engine) => engine.engine === 'postgres')!;

// The quick torture run of `npm run torture -- --quick`, one mode at a time: SIGKILLs while clients buy, pay and cash out.
describe('torture (quick)', () => {
  for (const mode of TORTURE_MODES) {
    it(`${mode}: every acknowledged operation is in the database exactly once, and the audit passes`, { skip: mode === 'sqlite' ? undefined : postgres.skip, timeout: 240_000 }, async () => {
      const summary = await runTorture({ ...tortureProfile('quick'), mode });
      console.log(formatTortureSummaries([summary]));
      assert.deepEqual(summary.verification.discrepancies, [], summary.serverErrors.join('\n'));
      assert.ok(summary.crashesInjected > 0, 'at least one process was killed');
      assert.ok(summary.giftsAcknowledged > 0 && summary.ordersPaid > 0, 'the clients paid creators');
      assert.equal(summary.verification.coins.issued, summary.verification.coins.inWallets + summary.verification.coins.spent);
    });
  }
});
