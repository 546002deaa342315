/**
 * Shows progress such as "checked N/M orders" on stderr: on a terminal one line rewritten in
 * place (at most every 100 ms), elsewhere a line each time `done` passes a multiple of `every`, and once at the end.
 */
export function progressLine(describe: (done: number, total: number) => string, every: number): { update(done: number, total: number): void; end(): void } {
  const terminal = process.stderr.isTTY;
  let inPlace = false;
  let shownAt = 0;
  let shownDone = 0;
  let shownEnd = false;
  return {
    update(done, total) {
      const text = describe(done, total);
      if (terminal) {
        if (done < total && Date.now() - shownAt < 100) return;
        shownAt = Date.now();
        // Clears what a longer line before left behind.
        process.stderr.write(`\r${text}\x1b[K`);
        inPlace = true;
      } else if (done === total ? !shownEnd : Math.floor(done / every) > Math.floor(shownDone / every)) {
        shownDone = done;
        shownEnd = done === total;
        process.stderr.write(`${text}\n`);
      }
    },
    end() {
      if (inPlace) process.stderr.write('\n');
    },
  };
}
