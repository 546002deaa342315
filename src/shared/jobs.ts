import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

/** Work a server process repeats in the background. */
export interface Job<Result = unknown> {
  /** Names the job in logs, and its lock. */
  name: string;
  /** Time between ticks, in ms; 0 turns the job off. A tick while the previous run still goes is skipped. */
  intervalMs: number;
  /** Whether processes sharing a database take turns: a process that does not get the job's lock skips the tick. */
  oneProcessAtATime: boolean;
  /** `signal` is aborted when the runner stops: a long run then ends between its items, leaving the rest to the next start. */
  run(signal: AbortSignal): Promise<Result>;
  /** Logs what a run did; the runner logs failures. */
  logOutcome?(result: Result, logger: Logger): void;
}

/** Runs `run` holding the lock `name` among the processes sharing the database; answers false, without running it, when another holds it. */
export type TryLock = (name: string, run: () => Promise<void>) => Promise<boolean>;

/** How a run of a job ended: `skipped` when another process held its lock. */
export type JobRunOutcome = 'ok' | 'failed' | 'skipped';

export interface JobRunner {
  /** Clears the timers and aborts the runs in flight at once, then waits for them to end. */
  stop(): Promise<void>;
}

/** A job whose outcome is logged with its result's type: a list of jobs holds different ones. */
export function defineJob<Result>(spec: Job<Result>): Job {
  return spec;
}

/** Starts every job that is on, each on its own timer; the timers do not keep the process alive. */
export function startJobs(
  jobs: readonly Job[],
  {
    logger,
    tryLock,
    observe,
  }: { logger: Logger; tryLock: TryLock; /** Told how each run ended and how long it took, in seconds (for metrics). */ observe?: (job: string, outcome: JobRunOutcome, seconds: number) => void },
): JobRunner {
  const inFlight = new Map<Job, Promise<void>>();
  const stopping = new AbortController();

  async function runOnce(job: Job): Promise<void> {
    const startedAt = performance.now();
    const run = async () => {
      const result = await job.run(stopping.signal);
      job.logOutcome?.(result, logger);
    };
    let outcome: JobRunOutcome = 'ok';
    try {
      if (job.oneProcessAtATime && !(await tryLock(job.name, run))) outcome = 'skipped';
      else if (!job.oneProcessAtATime) await run();
    } catch (error) {
      outcome = 'failed';
      logger.error({ err: error, job: job.name }, `background job ${job.name} failed`);
    }
    observe?.(job.name, outcome, (performance.now() - startedAt) / 1000);
  }

  const timers = jobs
    .filter((job) => job.intervalMs > 0)
    .map((job) => {
      const timer = setInterval(() => {
        if (inFlight.has(job)) return;
        inFlight.set(
          job,
          runOnce(job).finally(() => inFlight.delete(job)),
        );
      }, job.intervalMs);
      timer.unref();
      return timer;
    });

  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      stopping.abort();
      await Promise.all(inFlight.values());
    },
  };
}
