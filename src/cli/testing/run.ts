import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ovation <args>` as an operator runs it: the built dist/cli/main.js, which scripts/run-tests.mjs builds first. */
export function ovation(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startOvation(args, env).finished;
}

/** Starts `ovation <args>`; `finished` resolves once it exited and its output was read. */
export function startOvation(args: string[], env: Record<string, string> = {}): { child: ChildProcess; finished: Promise<CliRun> } {
  const child = spawn(process.execPath, ['dist/cli/main.js', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const finished = new Promise<CliRun>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, finished };
}
