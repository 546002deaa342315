import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LogLevel } from '../config/config.js';
import { ApiError, ErrorBody } from './errors.js';

/** How long a readiness probe waits for the database before answering 503. */
export const READINESS_TIMEOUT_MS = 2_000;

const Status = Type.Object({ status: Type.Literal('ok') });

export interface HealthRoutesOptions {
  db: { ping(): Promise<void> };
  /** Log level for probe requests: load balancers call them every few seconds, so keep them out of the info log. */
  logLevel: LogLevel;
}

/**
 * Liveness and readiness probes. `/healthz` answers while the process runs;
 * `/readyz` also checks that the database answers, so a load balancer stops
 * sending traffic to an instance that cannot serve it.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { db, logLevel }) => {
  app.get(
    '/healthz',
    {
      logLevel,
      schema: { tags: ['health'], summary: 'Liveness: the process is up', response: { 200: Status } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel,
      schema: {
        tags: ['health'],
        summary: 'Readiness: the process is up and its database answers',
        response: { 200: Status, 503: ErrorBody },
      },
    },
    async (request) => {
      try {
        await withTimeout(db.ping(), READINESS_TIMEOUT_MS);
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed: database ping');
        throw new ApiError(503, 'api_error', 'database_unavailable', 'The database is not reachable.');
      }
      return { status: 'ok' as const };
    },
  );
};

async function withTimeout<T>(promise: Promise<T>, timeout_ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeout_ms} ms`)), timeout_ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
