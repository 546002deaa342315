/**
 * Groups writes that arrive together into one statement. Each write is its own durable commit otherwise
 * (an fsync on SQLite), so concurrent requests that each write a row after the ledger commits their
 * batch would pay durability once per request, undoing what the ledger's batching saved. Rows queue
 * while a write is in flight; the next write takes up to `maxRows` of them. When a grouped write fails,
 * each row is written alone, so one bad row fails its own caller only.
 */
export function batchedWrites<Row>(write: (rows: Row[]) => Promise<void>, maxRows: number): (row: Row) => Promise<void> {
  let queue: { row: Row; resolve(): void; reject(error: unknown): void }[] = [];
  let busy = false;

  function schedule(): void {
    if (busy) return;
    busy = true;
    // setImmediate lets the rows of callers resolved in the same tick (one ledger batch) join the queue first.
    setImmediate(() => void flush());
  }

  async function flush(): Promise<void> {
    const taken = queue.slice(0, maxRows);
    queue = queue.slice(maxRows);
    try {
      await write(taken.map((waiting) => waiting.row));
      for (const waiting of taken) waiting.resolve();
    } catch {
      for (const waiting of taken) await write([waiting.row]).then(waiting.resolve, waiting.reject);
    }
    busy = false;
    if (queue.length > 0) schedule();
  }

  return (row) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ row, resolve, reject });
      schedule();
    });
}
