import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { startJobs, type Job, type TryLock } from './jobs.js';
import { deferred, until } from './testing/waits.js';

/** A logger keeping its lines for the test to read. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** Refuses every lock: a job that is not meant for one process at a time must run without asking for one. */
const lockTaken: TryLock = async () => false;

describe('the background job runner', () => {
  it('skips the ticks while a slow run is still going, and runs again once it ended', async () => {
    const { logger } = recordingLogger();
    const slow = deferred();
    let started = 0;
    let running = 0;
    let mostRunning = 0;
    const job: Job = {
      name: 'slow',
      intervalMs: 5,
      oneProcessAtATime: false,
      async run() {
        started++;
        mostRunning = Math.max(mostRunning, ++running);
        if (started === 1) await slow.promise;
        running--;
      },
    };
    const runner = startJobs([job], { logger, tryLock: lockTaken });
    try {
      await until(() => started === 1, 'the first run');
      await sleep(100);
      assert.equal(started, 1, 'about 20 ticks passed during the slow run, none started another');
      slow.resolve();
      await until(() => started >= 2, 'a run after the slow one');
      assert.equal(mostRunning, 1);
    } finally {
      slow.resolve();
      await runner.stop();
    }
  });

  it('logs a failed run with the job name, and runs again at the next tick', async () => {
    const { logger, lines } = recordingLogger();
    let runs = 0;
    const runner = startJobs(
      [
        {
          name: 'flaky',
          intervalMs: 5,
          oneProcessAtATime: false,
          async run() {
            if (++runs === 1) throw new Error('the database went away');
            return runs;
          },
          logOutcome: (result, outcomeLogger) => outcomeLogger.info({ result }, 'flaky ran'),
        },
      ],
      { logger, tryLock: lockTaken },
    );
    try {
      await until(() => runs >= 2 && lines.some((line) => line.msg === 'flaky ran'), 'the run after the failure');
    } finally {
      await runner.stop();
    }
    const failure = lines.find((line) => line.level === 50);
    assert.ok(failure, 'the failure is logged at error');
    assert.equal(failure.msg, 'background job flaky failed');
    assert.equal(failure.job, 'flaky');
    assert.equal((failure.err as { message: string }).message, 'the database went away');
    assert.equal(lines.find((line) => line.msg === 'flaky ran')?.result, 2);
  });

  it('stop aborts the run in flight and waits for it to end, and starts no other', async () => {
    const { logger } = recordingLogger();
    const inFlight = deferred();
    const events: string[] = [];
    const runner = startJobs(
      [
        {
          name: 'long',
          intervalMs: 5,
          oneProcessAtATime: false,
          async run(signal) {
            events.push('run started');
            await inFlight.promise;
            events.push(signal.aborted ? 'run ended, aborted' : 'run ended');
          },
        },
      ],
      { logger, tryLock: lockTaken },
    );
    await until(() => events.length === 1, 'the run to start');
    const stopped = runner.stop().then(() => events.push('stopped'));
    await sleep(50);
    assert.deepEqual(events, ['run started'], 'stop has not returned under the running job');
    inFlight.resolve();
    await stopped;
    await sleep(50);
    assert.deepEqual(events, ['run started', 'run ended, aborted', 'stopped']);
  });

  it('runs a job meant for one process at a time through the lock, skipping the ticks it is refused', async () => {
    const { logger } = recordingLogger();
    const asked: string[] = [];
    let lockFree = false;
    let runs = 0;
    const tryLock: TryLock = async (name, run) => {
      asked.push(name);
      if (!lockFree) return false;
      await run();
      return true;
    };
    const runner = startJobs([{ name: 'locked', intervalMs: 5, oneProcessAtATime: true, run: async () => void runs++ }], { logger, tryLock });
    try {
      await until(() => asked.length >= 3, 'ticks asking for the lock');
      assert.equal(runs, 0, 'no run without the lock');
      lockFree = true;
      await until(() => runs >= 1, 'a run once the lock is free');
      assert.ok(asked.every((name) => name === 'locked'));
    } finally {
      await runner.stop();
    }
  });

  it('starts no timer for a job whose interval is 0', async () => {
    const { logger } = recordingLogger();
    let runs = 0;
    const runner = startJobs([{ name: 'off', intervalMs: 0, oneProcessAtATime: false, run: async () => void runs++ }], { logger, tryLock: lockTaken });
    await sleep(50);
    await runner.stop();
    assert.equal(runs, 0);
  });
});
