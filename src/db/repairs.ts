/** What a start-up repair did: the items it finished, and those it could not, left as they were for an operator. */
export interface RepairResult {
  finished: number;
  skipped: { id: string; reason: string }[];
}

/**
 * Repairs items one at a time. An item whose repair throws is reported and skipped: one bad row
 * never stops the others, nor the server's start.
 */
export async function repairEach<T>(items: readonly T[], idOf: (item: T) => string, repair: (item: T) => Promise<unknown>): Promise<RepairResult> {
  const result: RepairResult = { finished: 0, skipped: [] };
  for (const item of items) {
    try {
      await repair(item);
      result.finished += 1;
    } catch (error) {
      result.skipped.push({ id: idOf(item), reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
