import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchedWrites } from './batched-writes.js';

describe('batched writes', () => {
  it('writes the rows that arrive together in one call, and those that arrive meanwhile in the next', async () => {
    const calls: number[][] = [];
    let release: () => void = () => {};
    const write = batchedWrites<number>(async (rows) => {
      calls.push(rows);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 100);
    const first = [1, 2, 3].map(write);
    await new Promise((resolve) => setImmediate(resolve));
    const second = [4, 5].map(write);
    release();
    await Promise.all([...first, ...second]);
    assert.deepEqual(calls, [
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('writes at most maxRows at a time', async () => {
    const calls: number[][] = [];
    const write = batchedWrites<number>(async (rows) => void calls.push(rows), 2);
    await Promise.all([1, 2, 3, 4, 5].map(write));
    assert.deepEqual(calls, [[1, 2], [3, 4], [5]]);
  });

  it('when a grouped write fails, writes each row alone: only the bad row fails its caller', async () => {
    const written: number[] = [];
    const write = batchedWrites<number>(async (rows) => {
      if (rows.includes(13)) throw new Error(`refused ${rows.join(',')}`);
      written.push(...rows);
    }, 100);
    const outcomes = await Promise.allSettled([12, 13, 14].map(write));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /refused 13$/);
    assert.deepEqual(written, [12, 14]);
  });
});
