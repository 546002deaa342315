import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A command the bench sends a child process, and the child's answer to it, matched by `id`. */
interface Command {
  id: number;
  command: string;
  args: unknown;
}
type Answer = { id: number; result: unknown } | { id: number; error: string };

/** A child process that answers commands over IPC: a load generator, a baseline server, a server's memory probe. */
export interface CommandChannel {
  child: ChildProcess;
  /** Sends a command and resolves with the child's answer; rejects when it fails, the child exits, or `timeoutMs` passes. */
  call<T>(command: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Ends the child (SIGTERM, then SIGKILL after a second) and waits for it. */
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function commandChannel(child: ChildProcess): CommandChannel {
  let nextId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  child.on('message', (answer: Answer) => {
    const waiter = waiting.get(answer.id);
    if (!waiter) return;
    waiting.delete(answer.id);
    if ('error' in answer) waiter.reject(new Error(answer.error));
    else waiter.resolve(answer.result);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', (code, signal) => {
      for (const waiter of waiting.values()) waiter.reject(new Error(`child process exited (${code ?? signal}); stderr: ${stderr}`));
      waiting.clear();
      resolve();
    });
  });
  return {
    child,
    call<T>(command: string, args: unknown = {}, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${command}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ id, command, args } satisfies Command);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 1000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/** Starts one of bench/load/*.ts in its own Node process (through tsx), ready for commands. */
export function forkLoadProcess(script: string, nodeArgs: string[] = []): CommandChannel {
  const child = fork(fileURLToPath(new URL(`../load/${script}`, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...nodeArgs],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  return commandChannel(child);
}

/** In a child process: answers the bench's commands with these handlers, and exits when the bench goes away. */
export function answerCommands(handlers: Record<string, (args: never) => unknown>): void {
  process.on('message', (message: Command) => {
    const handler = handlers[message.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        return handler(message.args as never);
      })
      .then(
        (result) => process.send!({ id: message.id, result: result ?? null } satisfies Answer),
        (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Answer),
      );
  });
  process.on('disconnect', () => process.exit(0));
}
