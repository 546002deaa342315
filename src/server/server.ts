import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { clientAddress } from './client-address.js';
import cookie from '@fastify/cookie';
import { LOG_LEVELS, type Config, type LogLevel } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Ledger } from '../ledger/index.js';
import { accountRoutes } from '../accounts/routes.js';
import { adminAccountRoutes } from '../accounts/admin-routes.js';
import type { Access } from '../accounts/index.js';
import { devMailboxRoutes } from '../mail/routes.js';
import { adminOrderRoutes } from '../payments/admin-routes.js';
import { webhookRoutes } from '../webhooks/index.js';
import { identityRoutes } from '../identity/index.js';
import { diamondValueRoutes, earningsRoutes, taxYearRoutes } from '../earnings/index.js';
import { financeRoutes, taxReportRoutes, goodwillRoutes } from '../finance/index.js';
import { subscriptionRoutes } from '../subscriptions/index.js';
import { contentRoutes } from '../content/index.js';
import { statusRoutes } from '../status/index.js';
import { stageRoutes } from '../stage/index.js';
import { goalRoutes } from '../goals/index.js';
import { fanClubRoutes } from '../fan-clubs/index.js';
import { budgetRoutes, cardRoutes, orderRoutes, sandboxRoutes, webhookRoute } from '../payments/routes.js';
import { appStoreWebhookRoute } from '../payments/app-store-routes.js';
import { SANDBOX_SIGNATURE_HEADER } from '../payments/sandbox.js';
import { storeRoutes, taxRateRoutes } from '../store/index.js';
import { giftRoutes } from '../gifts/index.js';
import { liveRoutes } from '../live/index.js';
import { roomRoutes } from '../live/room-routes.js';
import { streamRoutes } from '../live/stream-routes.js';
import { overlayRoutes } from '../overlay/index.js';
import { giftSendingRoutes } from '../gifts/send-routes.js';
import type { Services } from './services.js';
import { walletRoutes } from '../wallet/routes.js';
import { webAppRoutes } from '../web/routes.js';
import { adminPayoutRoutes, payoutRoutes, paypalWebhookRoute, wiseWebhookRoute } from '../payouts/index.js';
import { auditRoutes } from '../audit/routes.js';
import { DomainError } from '../shared/errors.js';
import { installAccessControl } from './access.js';
import { answerError, installErrorHandlers } from './errors.js';
import { healthRoutes, type SkippedRepair } from './health.js';
import { createMetrics, type Metrics } from './metrics.js';
import { metricsRoutes } from './metrics-routes.js';
import { installRateLimits } from './rate-limits.js';
import type { Bus } from '../bus/bus.js';
import { registerOpenApi } from './openapi.js';
import { trustProxyFunction } from './trust-proxy.js';
import { describeValidationError, validatorCompiler } from './validation.js';

export type OvationServer = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServerDependencies {
  config: Config;
  db: Database;
  ledger: Ledger;
  services: Services;
  /** The bus the services were made with, for `/readyz` and where the rate limits count. */
  bus: Pick<Bus, 'ping' | 'limits'>;
  /** Access rules for routes added to the result of buildServer, as `'METHOD /path': access`. */
  extraRouteAccess?: Readonly<Record<string, Access>>;
  /** A pino logger to share with the rest of the process; otherwise one is made at config.logLevel. */
  logger?: FastifyBaseLogger;
  /** What the start-up repairs could not repair, for `/readyz` to report. */
  skippedRepairs?: readonly SkippedRepair[];
  /** The process's metrics, which the ledger and the jobs were given too; otherwise the server makes its own. */
  metrics?: Metrics;
}

/** The response header that carries the request id, also found in every log line of that request. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Builds the HTTP application: error handling, OpenAPI document and docs,
 * health probes, and each domain's routes. Does not listen; call `listen`
 * or `inject` on the result.
 */
/**
 * One line per request, written when it is answered and naming the request, instead of Fastify's two (one
 * on arrival, one on answer): on a busy server the log is a good share of each request's work. It also
 * times the request for metrics, so that timing costs no hook of its own.
 */
class OneLinePerRequest extends LogController {
  constructor(private readonly metrics: Metrics) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    this.metrics.requests.record(request, reply.statusCode, reply.elapsedTime / 1000);
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export async function buildServer(deps: ServerDependencies): Promise<OvationServer> {
  const { config, db } = deps;
  const metrics = deps.metrics ?? createMetrics();
  metrics.watch({
    ledgerQueue: () => deps.ledger.queueState(),
    rooms: deps.services.rooms.stats,
    relayQueued: () => deps.services.relay.queued(),
    webhookBacklog: () => deps.services.webhooks.backlog(),
  });
  const common = {
    genReqId: () => randomUUID(),
    // Idle keep-alive sockets close at shutdown; requests in flight finish first.
    forceCloseConnections: 'idle' as const,
    // Requests that arrive while closing get our own 503 error object (below), not the framework's.
    return503OnClosing: false,
    // Bodies are small JSON documents; anything larger is refused before it is read.
    bodyLimit: 64 * 1024,
    // A hop count or the proxies' addresses (proxy-addr semantics); never `true`, which would believe what clients write.
    trustProxy: trustProxyFunction(config.trustProxy),
    // Longer than any URL Node reads (its request line fits in 16 KiB), so the router never drops an over-long parameter
    // to try other routes (the web app's catch-all would answer 404); refuseLongPathParameters answers 414 instead.
    routerOptions: { maxParamLength: 65_536 },
    schemaErrorFormatter: describeValidationError,
    frameworkErrors: answerError,
    logController: new OneLinePerRequest(metrics),
  };
  const app: OvationServer = (deps.logger ? Fastify({ ...common, loggerInstance: deps.logger }) : Fastify({ ...common, logger: { level: config.logLevel } })).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  installErrorHandlers(app);
  // First of all hooks: before access rules, so every route answers an over-long parameter alike, signed in or not.
  // Hooks that never wait take a callback rather than being async: every request runs them, and a promise each costs.
  app.addHook('onRequest', (request, _reply, done) => done(longPathParameterError(request)));
  // During a graceful shutdown, requests in flight finish and close their connection; new ones are told to go elsewhere.
  let closing = false;
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // JSON and CSV answers carry users' text: a browser must never sniff one into HTML.
    reply.header('x-content-type-options', 'nosniff');
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // Node counts a connection that has not sent its first request as busy, so one opened ahead of time and left unused (HTTP
  // clients and browsers open them speculatively) would hold a graceful shutdown until its client drops it.
  const connections = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const dropUnusedConnections = () => {
    for (const socket of connections) if (socket.bytesRead === 0) socket.destroy();
    // A keep-alive connection whose answer was on its way out when the shutdown began becomes idle only afterwards.
    app.server.closeIdleConnections();
  };
  app.addHook('preClose', async () => {
    closing = true;
    // Upgraded sockets are not the HTTP server's to close: without this, close would wait for every viewer to leave.
    await deps.services.rooms.close();
    // Until the server has closed: it stops listening only after these hooks.
    const sweeper = setInterval(dropUnusedConnections, 100).unref();
    app.server.once('close', () => clearInterval(sweeper));
  });
  app.server.on('upgrade', (request, socket, head) => deps.services.rooms.handleUpgrade(request, socket, head, clientAddress(request, config.trustProxy)));
  app.addHook('onRequest', (_request, _reply, done) => {
    done(closing ? new DomainError('unavailable', 'shutting_down', 'The server is shutting down; retry the request.') : undefined);
  });

  await app.register(cookie);
  // Before access control, so an address over its limit costs no session look-up.
  await installRateLimits(app, { config, limits: deps.bus.limits, limited: metrics.rateLimited });
  installAccessControl(app, { fresh: deps.services.accounts.authenticate, cached: deps.services.accounts.authenticateCached }, deps.extraRouteAccess);
  await registerOpenApi(app, { publicUrl: config.publicUrlGiven ? config.publicUrl : undefined, extraAccess: deps.extraRouteAccess });
  await app.register(healthRoutes, { db, bus: deps.bus, logLevel: atLeast(config.logLevel, 'warn'), skippedRepairs: deps.skippedRepairs ?? [] });
  if (config.metricsToken !== undefined) await app.register(metricsRoutes, { metrics, token: config.metricsToken, logLevel: atLeast(config.logLevel, 'warn') });
  // Each domain registers its routes here, from its own folder under src/.
  const { accounts, mailer, catalog, orders, spending, sandbox, stripe, appStore } = deps.services;
  await app.register(accountRoutes, {
    accounts,
    config,
    exportSections: {
      orders: (userId) => orders.listForUser(userId),
      payouts: (userId) => deps.services.payouts.listAll(userId),
      identityCheck: (userId) => deps.services.identity.current(userId),
      payoutMethods: (userId) => deps.services.identity.listPayoutMethods(userId),
    },
  });
  await app.register(adminAccountRoutes, { accounts });
  await app.register(walletRoutes, {
    ledger: deps.ledger,
    db,
    names: { users: (userIds) => accounts.namesOf(userIds), gifts: async () => new Map((await deps.services.gifts.listAll()).map((gift) => [gift.id, gift.name])) },
  });
  await app.register(storeRoutes, { catalog, defaultRegion: config.accounts.defaultRegion });
  await app.register(taxRateRoutes, { taxRates: deps.services.taxRates });
  await app.register(giftRoutes, {
    gifts: deps.services.gifts,
    creatorTiers: deps.services.creatorTiers,
    regionOfUser: async (userId) => (await accounts.getUser(userId)).region,
    defaultRegion: config.accounts.defaultRegion,
  });
  await app.register(liveRoutes, { lives: deps.services.lives });
  await app.register(roomRoutes, { lives: deps.services.lives, access: deps.services.roomAccess });
  await app.register(overlayRoutes, { overlays: deps.services.overlays, config });
  await app.register(streamRoutes, { streams: deps.services.streams, lives: deps.services.lives, config });
  await app.register(giftSendingRoutes, { sending: deps.services.giftSending, paidMessages: deps.services.paidMessages, cheers: deps.services.cheers, accounts });
  await app.register(orderRoutes, { orders });
  await app.register(budgetRoutes, { spending });
  await app.register(cardRoutes, { orders });
  await app.register(adminOrderRoutes, { orders });
  await app.register(webhookRoutes, { webhooks: deps.services.webhooks });
  await app.register(payoutRoutes, { payouts: deps.services.payouts });
  await app.register(adminPayoutRoutes, { payouts: deps.services.payouts, clawbacks: deps.services.clawbacks });
  await app.register(auditRoutes, { db });
  await app.register(identityRoutes, {
    identity: deps.services.identity,
    holdPayouts: (userId, message) => deps.services.payouts.holdForReview(userId, { code: 'identity_revoked', message }),
  });
  await app.register(earningsRoutes, { earnings: deps.services.earnings });
  await app.register(taxYearRoutes, { earnings: deps.services.earnings });
  await app.register(diamondValueRoutes, { earnings: deps.services.earnings, values: deps.services.diamondValues });
  await app.register(financeRoutes, { reports: deps.services.financeReports });
  await app.register(taxReportRoutes, { report: deps.services.taxReport });
  await app.register(goodwillRoutes, { goodwill: deps.services.goodwill });
  await app.register(subscriptionRoutes, { subscriptions: deps.services.subscriptions, tiers: deps.services.subscriptionTiers, premium: deps.services.premium, accounts });
  await app.register(contentRoutes, { content: deps.services.content, accounts });
  await app.register(statusRoutes, { status: deps.services.status });
  await app.register(stageRoutes, { guests: deps.services.guests, battles: deps.services.battles });
  await app.register(goalRoutes, { goals: deps.services.goals });
  await app.register(fanClubRoutes, { fanClubs: deps.services.fanClubs });
  // The sandbox takes test cards, and hands out receipts for nothing unless a real app store is configured: it is served only while it is the provider.
  if (!stripe) await app.register(sandboxRoutes, { orders, sandbox, appStore });
  const storeServer = deps.services.appleStore ?? deps.services.googlePlayStore;
  if (storeServer) await app.register(appStoreWebhookRoute, { store: storeServer, orders });
  if (stripe) await app.register(webhookRoute, { path: '/api/v1/webhooks/stripe', provider: stripe, orders });
  if (deps.services.wisePayouts) await app.register(wiseWebhookRoute, { wise: deps.services.wisePayouts });
  if (deps.services.paypalPayouts) await app.register(paypalWebhookRoute, { paypal: deps.services.paypalPayouts });
  if (mailer.mailbox && config.nodeEnv !== 'production') await app.register(devMailboxRoutes, { mailbox: mailer.mailbox });
  // The web app answers every GET no route above claims (its pages and built files); unknown API paths still get the JSON 404.
  await app.register(webAppRoutes);

  // The sandbox provider posts its webhooks to this server's own webhook route, through the whole HTTP stack.
  sandbox.connect(async (rawBody, signature) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/sandbox',
      headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: signature },
      payload: rawBody,
    });
    if (response.statusCode !== 200) app.log.warn({ statusCode: response.statusCode, body: response.body }, 'sandbox webhook delivery refused');
  });

  return app;
}

/** The longest path parameter any route takes, in characters once percent-decoded (docs/api.md). */
const PATH_PARAMETER_MAX_CHARS = 100;

/** 414 path_parameter_too_long for a route parameter over PATH_PARAMETER_MAX_CHARS; the web app's catch-all path (`*`) is not one. */
function longPathParameterError(request: FastifyRequest): DomainError | undefined {
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const name in params) {
    const value = params[name];
    if (name === '*' || typeof value !== 'string' || value.length <= PATH_PARAMETER_MAX_CHARS) continue;
    if ([...value].length <= PATH_PARAMETER_MAX_CHARS) continue;
    return new DomainError('too_long', 'path_parameter_too_long', `The path parameter "${name}" is longer than ${PATH_PARAMETER_MAX_CHARS} characters.`);
  }
  return undefined;
}

/** The more severe of two levels, so a route can quiet its logs but never make them louder than configured. */
function atLeast(configured: LogLevel, floor: LogLevel): LogLevel {
  return LOG_LEVELS.indexOf(configured) >= LOG_LEVELS.indexOf(floor) ? configured : floor;
}
