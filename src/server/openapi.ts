import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';

const OPENAPI_JSON_PATH = '/api/openapi.json';
const API_DOCS_PATH = '/api/docs';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Collects every route's schema into an OpenAPI 3.1 document served at
 * /api/openapi.json, with browsable docs at /api/docs. Must be registered on
 * the root instance before any route, so it sees all of them.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ovation API',
        version: packageVersion(),
        description:
          'Coin and live-gifting economy. Amounts are integers in the smallest unit; errors are `{ "error": { "type", "code", "message" } }`; ' +
          'requests that move value take an `Idempotency-Key` header.',
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness probes' },
        { name: 'accounts', description: 'Sign-up, sign-in, sessions, two-factor, the activity log and account closure' },
        { name: 'wallet', description: 'Coin and diamond balances' },
        { name: 'store', description: 'Coin packages, prices, custom amounts and orders' },
        { name: 'gifts', description: 'The gift catalog, sending gifts into lives, and top-gifter boards' },
        { name: 'live', description: 'Going live, ending, listing live rooms and their summaries' },
        { name: 'creators', description: 'Identity checks, payout methods, earnings and monthly statements' },
        { name: 'sandbox', description: 'The simulated payment provider’s checkout (test cards)' },
        { name: 'webhooks', description: 'Signed events from payment providers' },
        { name: 'operator webhooks', description: 'Signed event callbacks to the operator’s endpoints, managed by admins (docs/webhooks.md)' },
        { name: 'admin', description: 'Operator tools; admins need two-factor authentication' },
        { name: 'development', description: 'Only outside production' },
      ],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      },
    },
  });

  await app.register(swaggerUi, { routePrefix: API_DOCS_PATH, staticCSP: true });

  app.get(OPENAPI_JSON_PATH, { schema: { hide: true } }, async () => app.swagger());
}
