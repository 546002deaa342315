import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startJobs, type JobRunner } from '../shared/jobs.js';
import { deferred, until } from '../shared/testing/waits.js';
import { openDatabase } from './database.js';
import { databaseTryLock } from './locks.js';
import { createTestDatabase, enginesUnderTest } from './testing/databases.js';

const postgres = (await enginesUnderTest()).find((candidate) => candidate.engine === 'postgres')!;

describe('background jobs on PostgreSQL', { skip: postgres.skip }, () => {
  it('two processes run a job meant for one process at a time one at a time, the other once the first released it', async () => {
    const shared = await createTestDatabase('postgres');
    // Another process: its own connections to the same database.
    const other = openDatabase(shared.url);
    const logger = pino({ level: 'silent' });
    const firstRunHeld = deferred();
    let running = 0;
    let mostRunning = 0;
    const runsBy = [0, 0];
    const runners: JobRunner[] = [shared.db, other].map((db, processIndex) =>
      startJobs(
        [
          {
            name: 'locked-test-job',
            intervalMs: 5,
            oneProcessAtATime: true,
            async run() {
              mostRunning = Math.max(mostRunning, ++running);
              const first = runsBy[0]! + runsBy[1]! === 0;
              runsBy[processIndex]!++;
              if (first) await firstRunHeld.promise;
              else await sleep(5);
              running--;
            },
          },
        ],
        { logger, tryLock: databaseTryLock(db) },
      ),
    );
    try {
      await until(() => runsBy[0]! + runsBy[1]! > 0, 'a first run');
      const holder = runsBy[0] === 1 ? 0 : 1;
      await sleep(200);
      assert.equal(runsBy[1 - holder], 0, 'the other process tried the lock for 200 ms and never ran the job');
      firstRunHeld.resolve();
      await runners[holder]!.stop();
      await until(() => runsBy[1 - holder]! >= 1, 'a run by the other process once the first released the lock');
      assert.equal(mostRunning, 1, 'never two runs at once');
      await Promise.all(runners.map((runner) => runner.stop()));
      const { rows } = await sql<{
        held: bigint;
      }>`select count(*) as held from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`.execute(other.kysely);
      assert.equal(rows[0]!.held, 0n, 'no pooled connection is left holding the lock');
    } finally {
      firstRunHeld.resolve();
      await Promise.all(runners.map((runner) => runner.stop()));
      await other.close();
      await shared.destroy();
    }
  });
});
