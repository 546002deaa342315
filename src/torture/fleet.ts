import { startServerProcess, waitUntilReady, type ServerProcess } from '../server/testing/process.js';

/** One slot of the fleet: a server process that is killed and started again on the same database. */
interface Slot {
  server: ServerProcess;
  /** Undefined while the process is down or starting. */
  url: string | undefined;
}

/**
 * The server processes under test, all on one database. Clients ask for a
 * live URL before each request; the crash injector kills processes with
 * SIGKILL and starts them again.
 */
export class Fleet {
  private readonly slots: Slot[] = [];
  /** Errors logged by any process (level ≥ 50), with the message: unexpected errors are worth reading. */
  readonly errorLogs: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    readonly size: number,
  ) {}

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, (_, index) => this.startSlot(index)));
  }

  /** A random process that is up, or undefined when every one is down. */
  anyUrl(): string | undefined {
    const up = this.slots.filter((slot) => slot.url !== undefined);
    return up[Math.floor(Math.random() * up.length)]?.url;
  }

  /** Kills the processes at `indexes` with SIGKILL (no shutdown at all), then starts them again. */
  async crashAndRestart(indexes: number[]): Promise<void> {
    await Promise.all(
      indexes.map(async (index) => {
        const slot = this.slots[index]!;
        slot.url = undefined;
        this.collectErrors(slot.server);
        slot.server.child.kill('SIGKILL');
        await slot.server.exited;
      }),
    );
    await Promise.all(indexes.map((index) => this.startSlot(index)));
  }

  /** SIGTERM to every process; resolves with each exit code (0 is a clean shutdown). */
  async stop(): Promise<(number | null)[]> {
    for (const slot of this.slots) {
      slot.url = undefined;
      slot.server.child.kill('SIGTERM');
    }
    const exits = await Promise.all(this.slots.map((slot) => slot.server.exited));
    this.slots.forEach((slot, index) => {
      // A shutdown that failed is explained by what the process did last.
      if (exits[index]!.code !== 0)
        this.errorLogs.push(
          `process ${index} exited ${exits[index]!.code}; its last lines: ${slot.server.logs
            .slice(-8)
            .map((line) => JSON.stringify(line))
            .join(' ')}`,
        );
      this.collectErrors(slot.server);
    });
    return exits.map((exit) => exit.code);
  }

  private async startSlot(index: number): Promise<void> {
    const server = startServerProcess(this.env);
    this.slots[index] = { server, url: undefined };
    const url = await server.listening;
    await waitUntilReady(url);
    this.slots[index]!.url = url;
  }

  private collectErrors(server: ServerProcess): void {
    for (const line of server.logs) if (line.level >= 50) this.errorLogs.push(line.msg);
    server.logs.length = 0;
  }
}
