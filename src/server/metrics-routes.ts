import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { LogLevel } from '../config/config.js';
import { DomainError } from '../shared/errors.js';
import type { Metrics } from './metrics.js';

export interface MetricsRoutesOptions {
  metrics: Metrics;
  /** METRICS_TOKEN; the route is registered only with one. */
  token: string;
  /** Prometheus scrapes every few seconds: keep its requests out of the info log, like the probes'. */
  logLevel: LogLevel;
}

/** The path Prometheus scrapes. */
const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: the Prometheus exposition of this process, for the holder of METRICS_TOKEN only. Its
 * access rule is `public` because it checks its own token: a session's token, an admin's included,
 * does not open it.
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { metrics, token, logLevel }) => {
  const expected = digest(token);
  app.get(METRICS_PATH, { logLevel, schema: { hide: true } }, async (request, reply) => {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    // Compared as digests of equal length, in constant time.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw DomainError.unauthenticated('metrics_token_invalid', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.');
    }
    reply.header('content-type', metrics.contentType);
    reply.header('cache-control', 'no-store');
    return metrics.scrape();
  });
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
