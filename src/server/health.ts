import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LogLevel } from '../config/config.js';
import { DomainError } from '../shared/errors.js';
import { ErrorBody } from './errors.js';

/** How long a readiness probe waits for the database, then for the bus, before answering 503. */
const READINESS_TIMEOUT_MS = 2_000;

const Status = Type.Object({ status: Type.Literal('ok') });

const SkippedRepairSchema = Type.Object({
  repair: Type.String({ description: 'The start-up repair, such as account_closures or payment_records.' }),
  items: Type.Integer({ description: 'Items it could not repair; the log names each, and `ovation audit` reports them.' }),
});
const Readiness = Type.Object({
  status: Type.Literal('ok'),
  details: Type.Optional(Type.Object({ skippedRepairs: Type.Array(SkippedRepairSchema, { description: 'Rows a start-up repair skipped: the server serves, but an operator should look.' }) })),
});

/** Items a start-up repair could not repair and left for an operator. */
export interface SkippedRepair {
  repair: string;
  items: number;
}

export interface HealthRoutesOptions {
  db: { ping(): Promise<void> };
  /** The bus to the other processes: without it this process's viewers miss what is sent through the others. */
  bus: { ping(): Promise<void> };
  /** Log level for probe requests: load balancers call them every few seconds, so keep them out of the info log. */
  logLevel: LogLevel;
  /** Reported in `/readyz` details, so a deployment's probes show what needs an operator. */
  skippedRepairs: readonly SkippedRepair[];
}

/**
 * Liveness and readiness probes. `/healthz` answers while the process runs;
 * `/readyz` also checks that the database and the bus's broker answer, so a
 * load balancer stops sending traffic to an instance that cannot serve it. Item ids stay out of
 * the answer (probes are often public): it counts what start-up skipped.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { db, bus, logLevel, skippedRepairs }) => {
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
        description: 'Ready answers may carry `details.skippedRepairs`: rows a start-up repair could not finish (the log names them; `ovation audit` reports them).',
        response: { 200: Readiness, 503: ErrorBody },
      },
    },
    async (request) => {
      try {
        await withTimeout(db.ping(), READINESS_TIMEOUT_MS);
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed: database ping');
        throw new DomainError('unavailable', 'database_unavailable', 'The database is not reachable.');
      }
      try {
        await withTimeout(bus.ping(), READINESS_TIMEOUT_MS);
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed: bus ping');
        throw new DomainError('unavailable', 'bus_unavailable', 'The bus to the other server processes is not reachable.');
      }
      return skippedRepairs.length > 0 ? { status: 'ok' as const, details: { skippedRepairs: [...skippedRepairs] } } : { status: 'ok' as const };
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
