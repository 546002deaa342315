import rateLimit, { normalizeIP, type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LimitStore, SharedLimit } from '../bus/index.js';
import type { Config } from '../config/config.js';
import { DomainError } from '../shared/errors.js';
import type { RateLimitName } from './metrics.js';

/** Requests counted: the API's, but not payment and payout providers' callbacks, which come from few addresses by design. */
function counted(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/api/') && !url.startsWith('/api/v1/webhooks/');
}

/**
 * @fastify/rate-limit's store over a SharedLimit: its count is the bus's (Redis for every process on it,
 * else this process's), whatever window and maximum the plugin passes, which are the limit's own.
 */
function storeOf(limit: SharedLimit): new () => FastifyRateLimitStore {
  return class SharedLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      limit.hit(key).then(
        ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
        (error: unknown) => callback(error as Error),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/**
 * Per-IP and per-account limits on API requests (API_IP_MAX_REQUESTS, API_ACCOUNT_MAX_REQUESTS per
 * API_RATE_LIMIT_WINDOW_MS), counted by @fastify/rate-limit in the bus's limit store: in Redis, one count
 * for every process; without it, each process's own. A limit at 0 adds no hook, so the requests of a
 * server without limits pay nothing for them.
 */
export async function installRateLimits(
  app: FastifyInstance,
  { config, limits, limited }: { config: Pick<Config, 'apiRateLimits'>; limits: LimitStore; limited: (limit: RateLimitName) => void },
): Promise<void> {
  const { ipMaxRequests, accountMaxRequests, windowMs } = config.apiRateLimits;
  if (ipMaxRequests === 0 && accountMaxRequests === 0) return;

  const limiter = async (name: 'api_ip' | 'api_account', max: number, keyOf: (request: FastifyRequest) => string) => {
    // Registered once per limit, each in a context of its own: the plugin decorates the instance it is given.
    let check: ((request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttl?: number }>) | undefined;
    await app.register(async (scoped) => {
      await scoped.register(rateLimit, { global: false, max, timeWindow: windowMs, store: storeOf(limits.limit(name, max, windowMs)), keyGenerator: keyOf });
      check = scoped.createRateLimit();
    });
    return async (request: FastifyRequest) => {
      const outcome = await check!(request);
      if (outcome.isAllowed || !outcome.isExceeded) return;
      limited(name);
      const message = name === 'api_ip' ? `At most ${max} requests from one address` : `At most ${max} requests from one account`;
      throw DomainError.rateLimited('rate_limited', `${message} every ${Math.round(windowMs / 1000)} seconds.`, outcome.ttl ?? windowMs);
    };
  };

  if (ipMaxRequests > 0) {
    const checkIp = await limiter('api_ip', ipMaxRequests, (request) => normalizeIP(request.ip));
    // Before access control: an address over its limit costs no session look-up.
    app.addHook('onRequest', async (request) => {
      if (counted(request.routeOptions.url)) await checkIp(request);
    });
  }
  if (accountMaxRequests > 0) {
    const checkAccount = await limiter('api_account', accountMaxRequests, (request) => request.principal!.userId);
    // After access control, which names the account.
    app.addHook('preHandler', async (request) => {
      if (request.principal && counted(request.routeOptions.url)) await checkAccount(request);
    });
  }
}
