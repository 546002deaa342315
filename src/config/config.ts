import { isIP } from 'node:net';
import { ConfigError, declareSettings, flag, InvalidValue, isSettingGiven, listEntries, oneOf, settingsIn, text, url, wholeNumber, type Env, type Setting, type ValueKind } from './setting.js';
import { parseBusUrl, parseDatabaseUrl, type Engine } from './urls.js';

/** Log levels pino understands, from most to least verbose, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the server and the CLI read from the environment, parsed and checked once. */
export interface Config {
  /** TCP port the HTTP server listens on. 0 picks a free port. */
  readonly port: number;
  /** Interface the HTTP server binds to. */
  readonly host: string;
  /** SQLite file path (or `sqlite:` URL), or a `postgres://` URL, as given. */
  readonly databaseUrl: string;
  /** The engine `databaseUrl` selects. */
  readonly databaseEngine: Engine;
  readonly logLevel: LogLevel;
  readonly nodeEnv: string;
  /** Most transfers the ledger writer applies in one database transaction. */
  readonly ledgerMaxBatch: number;
  readonly ledgerMaxQueue: number;
  /** ISO 4217 codes the coin store sells in; each gets its platform accounts. */
  readonly storeCurrencies: readonly string[];
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
  /** The bearer token GET /metrics asks for; unset, the route does not exist. */
  readonly metricsToken: string | undefined;
  /** Requests each client address (api_ip) and each signed-in account (api_account) may make per window; 0 turns that limit off. */
  readonly apiRateLimits: { readonly ipMaxRequests: number; readonly accountMaxRequests: number; readonly windowMs: number };
  /** Redis (`redis://`, `rediss://`) or NATS (`nats://`) carrying room events between server processes; unset, the bus is in-process. */
  readonly busUrl: string | undefined;
  /** Where users reach the web app; links in mails point here. */
  readonly publicUrl: string;
  /** Whether the operator set PUBLIC_URL; unset, addresses shown to users follow the request instead of its default. */
  readonly publicUrlGiven: boolean;
  /** SMTP transport for mail, such as smtp://user:pass@mail.example.com:587. Unset: mails go to the dev mailbox. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /**
   * Which X-Forwarded-For entries to believe, so per-IP limits and the activity log see the client's address: false (none),
   * a number of proxy hops, or the proxies' addresses and networks. Given to Fastify's trustProxy (proxy-addr semantics).
   */
  readonly trustProxy: TrustProxy;
  /** Sandbox providers chosen, as `NAME=sandbox`; in production they need ALLOW_SANDBOX_IN_PRODUCTION=true. */
  readonly sandboxProviders: readonly string[];
  /** ALLOW_SANDBOX_IN_PRODUCTION=true: the operator accepts sandbox providers in production (a demonstration). */
  readonly allowSandboxInProduction: boolean;
  readonly identity: IdentityConfig;
  readonly accounts: AccountsConfig;
  readonly payments: PaymentsConfig;
  readonly live: LiveConfig;
  readonly webhooks: WebhooksConfig;
}

/** false: the connection's address is the client's. A number: that many proxies in front. Strings: the proxies' addresses, networks or proxy-addr names. */
export type TrustProxy = false | number | readonly string[];

export interface IdentityConfig {
  /** `sandbox` decides at once by test document numbers; `manual` leaves every check pending for an admin's review. */
  readonly provider: 'sandbox' | 'manual';
}

export interface LiveConfig {
  /** A live whose creator sent no heartbeat for this long is ended (reason creator_gone). */
  readonly creatorTimeoutMs: number;
}

export interface WebhooksConfig {
  /** Allow http URLs and loopback or private hosts for webhook endpoints: for development and tests only. */
  readonly allowInsecureUrls: boolean;
  /** How often each server process sends the webhook deliveries that are due. */
  readonly deliveryIntervalMs: number;
}

export interface PaymentsConfig {
  /** Takes new web orders: the built-in sandbox, or Stripe with the two keys below. */
  readonly provider: 'sandbox' | 'stripe';
  readonly stripe: { readonly secretKey: string; readonly webhookSecret: string } | undefined;
  /** Secret the sandbox signs its webhooks with; unset, each process makes its own. */
  readonly sandboxWebhookSecret: string | undefined;
  /** How long after paying a card 4000 0000 0000 0259 payment the sandbox charges it back. */
  readonly sandboxDisputeDelayMs: number;
  /** How often orders are reconciled with the payment provider; 0 turns the job off. */
  readonly reconcileIntervalMs: number;
  /** Secret the sandbox app store signs its receipts with; unset, each process makes its own. */
  readonly appStoreSandboxSecret: string | undefined;
}

export interface AccountsConfig {
  /** How long a session lasts after sign-in. */
  readonly sessionTtlMs: number;
  /** Region assumed when sign-up names none (ISO 3166-1 alpha-2). */
  readonly defaultRegion: string;
  /** Youngest age that may sign up, by default and per region. */
  readonly minimumSignupAge: number;
  readonly minimumSignupAgeByRegion: Readonly<Record<string, number>>;
  /** Age from which a user may buy coins, send or receive gifts and go live, by default and per region. */
  readonly adultAge: number;
  readonly adultAgeByRegion: Readonly<Record<string, number>>;
  /** `auto` grants the creator role to an eligible applicant at once; `admin` queues the application for review. */
  readonly creatorApproval: 'auto' | 'admin';
  /** Followers an applicant needs before applying to be a creator. */
  readonly creatorMinFollowers: number;
  /** Wrong passwords in a row after which an account is locked. */
  readonly loginMaxFailures: number;
  /** First lockout; each further lockout in a row doubles it, up to a day. */
  readonly loginLockoutMs: number;
  /** Failed sign-ins one IP address may make per window, across all accounts. */
  readonly loginIpMaxFailures: number;
  /** Sign-ups, reset mails and other unauthenticated writes one IP address may make per window. */
  readonly authIpMaxRequests: number;
  readonly rateLimitWindowMs: number;
  /** How long after a session proves two-factor it may add a payout method or request a payout. */
  readonly twoFactorRecentMs: number;
}

/** The variables read by loadConfig: the server's own, and those of the modules it hands them to. */
export const CONFIG_SETTINGS = declareSettings({
  PORT: {
    module: 'server',
    default: '3000',
    ...wholeNumber(0, 65_535),
    description: 'TCP port of the HTTP server. `0` lets the operating system pick a free port (the chosen port is in the `Ovation listening on …` log line).',
  },
  HOST: {
    module: 'server',
    default: '0.0.0.0',
    ...text(),
    description: 'Interface the HTTP server binds to; the default is all IPv4 interfaces. Use `127.0.0.1` to accept local connections only, or `::` for IPv6.',
  },
  DATABASE_URL: {
    module: 'db',
    default: './data/ovation.db',
    secret: true,
    ...databaseUrl(),
    description: `Which database to use.

| value | engine |
| --- | --- |
| \`./data/ovation.db\`, \`/var/lib/ovation/ovation.db\` | SQLite file (relative paths are from the working directory) |
| \`sqlite:./data/ovation.db\`, \`sqlite:///var/lib/ovation/ovation.db\` | SQLite file |
| \`postgres://user:password@host:5432/name\`, \`postgresql://…\` | PostgreSQL |

A SQLite file and its folder are created when missing. Any other URL scheme is refused. Logs show the database without its password.`,
  },
  LOG_LEVEL: {
    module: 'server',
    default: 'info',
    ...oneOf(LOG_LEVELS, { ignoreCase: true }),
    description: `How much is logged. Logs are JSON lines on standard output (pino), one object per line with \`level\`, \`time\`, \`msg\` and, for requests, \`reqId\` — the same id the response carries in its \`x-request-id\` header. Each request writes one line when it is answered (\`request completed\`, with \`req.method\`, \`req.url\`, \`res.statusCode\` and \`responseTime\` in milliseconds). Lines are written in groups of up to 4 KiB, at most 20 ms after they were logged, and everything logged is written before the process exits.

Health probe requests are logged at \`warn\` and above only, so load-balancer checks do not flood the log.`,
  },
  NODE_ENV: {
    module: 'server',
    default: 'development',
    ...text(),
    description:
      'Name of the deployment environment, such as `production`. Any value is accepted. `production` (exactly) refuses the sandbox providers unless `ALLOW_SANDBOX_IN_PRODUCTION=true`, and removes the dev mailbox.',
  },
  ALLOW_SANDBOX_IN_PRODUCTION: {
    module: 'server',
    default: 'false',
    ...flag(),
    description: `\`true\` to let a server with \`NODE_ENV=production\` run with a sandbox provider. The sandboxes are simulations: the sandbox payment provider sells coins for test cards such as \`4242 4242 4242 4242\` and its app store signs receipts for nothing (and its routes, \`/api/v1/sandbox/…\`, are served), the sandbox identity provider verifies anyone who does not type a test value, and the sandbox payout provider pays nothing. So with \`NODE_ENV=production\`, each of \`PAYMENT_PROVIDER\`, \`PAYOUT_PROVIDER\` and \`IDENTITY_PROVIDER\` left at (or set to) \`sandbox\` stops the server and every \`ovation\` command before they touch the database, with exit status 1 and a message naming them:

\`\`\`
ovation: invalid configuration: PAYMENT_PROVIDER: NODE_ENV=production refuses sandbox providers, which sell coins for test cards, verify any identity and pay out nothing: PAYMENT_PROVIDER=sandbox, PAYOUT_PROVIDER=sandbox, IDENTITY_PROVIDER=sandbox. Choose real ones (PAYMENT_PROVIDER=stripe, PAYOUT_PROVIDER=wise, IDENTITY_PROVIDER=manual), or set ALLOW_SANDBOX_IN_PRODUCTION=true for a demonstration with play money.
\`\`\`

Choose real providers (\`PAYMENT_PROVIDER=stripe\`, which also turns the sandbox app store off; \`PAYOUT_PROVIDER=wise\`; \`IDENTITY_PROVIDER=manual\`), or, for a public demonstration with play money, set \`ALLOW_SANDBOX_IN_PRODUCTION=true\`: the server then starts, and logs at \`error\` level at every start \`SANDBOX PROVIDERS IN PRODUCTION (ALLOW_SANDBOX_IN_PRODUCTION=true): …\` with the list (\`sandboxProviders\`). Outside production the sandboxes are the defaults and this variable is not needed.`,
  },
  LEDGER_MAX_BATCH: {
    module: 'ledger',
    default: '1000',
    ...wholeNumber(1, 100_000),
    description:
      'Most transfers the ledger writer applies in one database transaction. Larger batches pay for durability (the commit) once per batch, which is what lets a single hot account take thousands of gifts a second; `1` turns batching off. See [ledger.md](ledger.md).',
  },
  LEDGER_MAX_QUEUE: {
    module: 'ledger',
    default: '10000',
    ...wholeNumber(1, 1_000_000),
    description:
      'Most transfers that may wait for a batch at once. Past it the ledger refuses a request at once, before anything is written for it: the API answers `503 ledger_overloaded` with `Retry-After: 1`, and a client that retries with the same `Idempotency-Key` gets the transfer exactly once. The bound keeps an overload from growing memory and latency without limit; a batch takes `LEDGER_MAX_BATCH` of the waiting requests.',
  },
  STORE_CURRENCIES: {
    module: 'store',
    default: 'USD,EUR,GBP,JPY,KRW',
    ...currencyCodes(),
    description:
      'Comma-separated ISO 4217 codes the coin store sells in. Codes are upper-cased and duplicates dropped. On every start the server makes sure each currency has its platform ledger accounts (payment clearing, store fees, payout clearing, revenue); adding a currency later is safe.',
  },
  PAYMENT_PROVIDER: {
    module: 'payments',
    default: 'sandbox',
    ...oneOf(['sandbox', 'stripe']),
    description:
      'Which payment provider takes new web orders: `sandbox` (the built-in simulation with test cards, and with it the sandbox app store) or `stripe`. `sandbox` is refused in production unless `ALLOW_SANDBOX_IN_PRODUCTION=true`. Orders placed through the sandbox keep settling after a switch to `stripe`; Stripe orders do not settle after a switch back. See [payments.md](payments.md#stripe).',
  },
  STRIPE_SECRET_KEY: {
    module: 'payments',
    secret: true,
    ...text(),
    allowed: '`sk_test_…`, `sk_live_…`, `rk_test_…`, `rk_live_…`',
    description:
      'The Stripe API key: a secret key, or a restricted key (`rk_…`). Needed when `PAYMENT_PROVIDER=stripe`, and not read otherwise; a missing or malformed value stops the server and every `ovation` command with, for example, `STRIPE_SECRET_KEY: PAYMENT_PROVIDER=stripe needs it, like sk_live_…`.',
  },
  STRIPE_WEBHOOK_SECRET: {
    module: 'payments',
    secret: true,
    ...text(),
    allowed: '`whsec_…`',
    description:
      'The signing secret of the Stripe webhook endpoint `POST /api/v1/webhooks/stripe`. Needed when `PAYMENT_PROVIDER=stripe`, and not read otherwise; a missing or malformed value stops the server and every `ovation` command.',
  },
  APP_STORE_SANDBOX_SECRET: {
    module: 'payments',
    secret: true,
    ...text(),
    description:
      'Secret the sandbox app store signs its receipts with (HS256) and the server checks them against. Unset, each server process makes a random one at start, and a receipt then verifies only in the process that issued it and until it restarts. Set the same value on every process when there are several behind a load balancer. See [payments.md](payments.md#app-store-purchases).',
  },
  SANDBOX_WEBHOOK_SECRET: {
    module: 'payments',
    secret: true,
    ...text(),
    description:
      'Secret the sandbox payment provider signs its webhooks with (HMAC-SHA256 in the `ovation-sandbox-signature` header), and the webhook route checks them against. Unset, each server process makes a random one at start, which is all the built-in sandbox needs, since it delivers its webhooks to its own process. Set it when something outside the process must sign or check sandbox webhooks, such as a test harness replaying them against `POST /api/v1/webhooks/sandbox`.',
  },
  SANDBOX_DISPUTE_DELAY_MS: {
    module: 'payments',
    default: '10000',
    ...wholeNumber(0, 86_400_000),
    description:
      "How long after a successful payment with the sandbox's chargeback test card (`4000 0000 0000 0259`) the sandbox charges it back, in milliseconds. The chargeback is scheduled in the memory of the process that took the payment: if that process stops first, it does not happen.",
  },
  RECONCILE_INTERVAL_MS: {
    module: 'payments',
    default: '60000',
    ...wholeNumber(0, 86_400_000),
    description:
      'How often the server reconciles orders with the payment provider, in milliseconds; `0` turns the periodic job off. On PostgreSQL one process at a time runs it (see [operations.md](operations.md#background-jobs)). Each run asks the provider about every unsettled order and every paid order still within the dispute window, and credits, fails, claws back or refunds what a lost webhook left undone, finishes admin refunds whose provider refund failed, and cancels orders left unpaid for a day — the same work as `ovation reconcile`. See [operations.md](operations.md#reconciliation).',
  },
  PAYOUT_PROVIDER: {
    module: 'payouts',
    default: 'sandbox',
    ...oneOf(['sandbox', 'wise', 'paypal']),
    description:
      "Which provider sends creators' payouts: `sandbox` (the built-in simulation whose test destinations fail or return), `wise` (bank accounts and Wise accounts, in the method's currency) or `paypal` (PayPal accounts, by the wallet method's email). `sandbox` is refused in production unless `ALLOW_SANDBOX_IN_PRODUCTION=true`. See [payouts.md](payouts.md#wise) and [payouts.md](payouts.md#paypal).",
  },
  IDENTITY_PROVIDER: {
    module: 'identity',
    default: 'sandbox',
    ...oneOf(['sandbox', 'manual']),
    description:
      "Who decides creators' identity checks: `sandbox`, which decides at once by test document numbers and verifies anyone else (see [creators.md](creators.md#the-sandbox-provider)), or `manual`, which leaves every submission `pending` until an admin decides it (`GET /api/v1/admin/identity-checks?status=pending`, see [creators.md](creators.md#review-by-admins)). `sandbox` is refused in production unless `ALLOW_SANDBOX_IN_PRODUCTION=true`.",
  },
  LIVE_CREATOR_TIMEOUT_MS: {
    module: 'live',
    default: '60000',
    ...wholeNumber(5000, 3_600_000),
    description:
      'How long a live stays on without a heartbeat from its creator, in milliseconds. A live whose creator last went live or sent `POST /api/v1/lives/:id/heartbeat` longer ago than this is ended with `endReason: "creator_gone"`. Each server process checks every quarter of this time, so a live ends between one and one and a quarter timeouts after the last heartbeat. See [live.md](live.md#auto-end).',
  },
  WEBHOOKS_ALLOW_INSECURE_URLS: {
    module: 'webhooks',
    default: 'false',
    ...flag(),
    description:
      '`true` to let admins register webhook endpoints with `http` URLs and hosts on loopback or private networks (`localhost`, `127.0.0.1`, `10.0.0.5`, …), for development and tests. `false`: endpoints must be `https` and their hosts public, so the webhook feature cannot be pointed at this server or at internal services. Turning it off later makes attempts to such URLs fail. See [webhooks.md](webhooks.md#registering-an-endpoint).',
  },
  WEBHOOK_DELIVERY_INTERVAL_MS: {
    module: 'webhooks',
    default: '1000',
    ...wholeNumber(100, 3_600_000),
    description:
      'How often each server process sends the webhook deliveries that are due, in milliseconds. Each run sends everything due, 20 requests at a time; several processes share the work without sending an attempt twice. See [operations.md](operations.md#webhook-deliveries).',
  },
  SHUTDOWN_TIMEOUT_MS: {
    module: 'server',
    default: '10000',
    ...wholeNumber(100, 3_600_000),
    description:
      "How long a graceful shutdown may take, in milliseconds. If requests in flight and the ledger flush have not finished by then, the process logs `shutdown timed out` and exits 1. Keep it below your orchestrator's kill grace period (Kubernetes: `terminationGracePeriodSeconds`, 30 s by default).",
  },
  METRICS_TOKEN: {
    module: 'server',
    secret: true,
    ...metricsToken(),
    description: `The bearer token Prometheus sends to \`GET /metrics\` (\`Authorization: Bearer <token>\`), at least 32 characters, such as the output of \`openssl rand -hex 32\`. Unset, \`/metrics\` answers \`404\` as if it did not exist. A request without the token, or with another, answers \`401 metrics_token_invalid\`. The endpoint is on the server's own port rather than one of its own, so it is reachable wherever the process is (each process is scraped at its own address, not through the proxy) and a forgotten firewall rule exposes nothing. See [operations.md](operations.md#metrics).`,
  },
  API_IP_MAX_REQUESTS: {
    module: 'server',
    default: '0',
    ...wholeNumber(0, 100_000_000),
    description:
      'Requests one client address may make to the API per `API_RATE_LIMIT_WINDOW_MS`, whatever account they use (`0`, the default, turns the limit off). Beyond it the API answers `429 rate_limited` with `Retry-After` until the window ends. The address is read as `TRUST_PROXY` says; IPv6 addresses count by their /64 network. With `BUS_URL` set to Redis the count is shared by every server process; otherwise each process counts alone. Health probes, `/metrics`, the web app and room sockets are not counted. See [where the limits are kept](#where-the-limits-are-kept).',
  },
  API_ACCOUNT_MAX_REQUESTS: {
    module: 'server',
    default: '0',
    ...wholeNumber(0, 100_000_000),
    description:
      'Requests one signed-in account may make to the API per `API_RATE_LIMIT_WINDOW_MS`, from any address (`0`, the default, turns the limit off). Beyond it the API answers `429 rate_limited` with `Retry-After` until the window ends. Shared through Redis like `API_IP_MAX_REQUESTS`. Gifts sent on a room socket are not requests and are not counted. See [where the limits are kept](#where-the-limits-are-kept).',
  },
  API_RATE_LIMIT_WINDOW_MS: {
    module: 'server',
    default: '60000',
    ...wholeNumber(1000, 86_400_000),
    description:
      "The window of `API_IP_MAX_REQUESTS` and `API_ACCOUNT_MAX_REQUESTS`, in milliseconds (a minute by default). Counting starts at a key's first request and starts over when the window ends.",
  },
  BUS_URL: {
    module: 'bus',
    secret: true,
    ...busUrl(),
    description: `The broker that carries live-room events between server processes. Unset, the bus is in-process: right for one process. With several processes, set it so that every viewer sees every event of the room, whichever process the viewer is connected to.

| value | broker |
| --- | --- |
| \`redis://host:6379\`, \`redis://:password@host:6379\`, \`redis://user:password@host:6379\` | Redis pub/sub |
| \`rediss://…\` | Redis over TLS |
| \`nats://host:4222\`, \`nats://user:password@host:4222\`, \`nats://token@host:4222\` | NATS (core publish/subscribe; JetStream is not needed) |

Any other scheme is refused at start, for example \`BUS_URL: scheme "amqp" is not supported (use redis://, rediss:// or nats://)\`. If the broker cannot be reached within 5 seconds at start, the process stops with \`cannot reach the Redis bus at redis://host:6379: …\` (a password in the URL is shown as \`***\`). See [deployment.md](deployment.md#scaling-out-the-bus).`,
  },
  PUBLIC_URL: {
    module: 'accounts',
    default: 'http://localhost:3000',
    ...url(),
    description:
      'Where users reach the web app; a trailing slash is dropped. Links in mails point here: `PUBLIC_URL/verify-email?token=…` and `PUBLIC_URL/reset-password?token=…`. The web app at that address posts the token to `POST /api/v1/auth/verify-email` or `POST /api/v1/auth/password-reset/confirm`. When `PUBLIC_URL` starts with `https:`, the session cookies are marked `Secure`.',
  },
  SMTP_URL: {
    module: 'mail',
    secret: true,
    ...url(),
    description: `How mail leaves the server, as an SMTP URL such as \`smtp://user:password@mail.example.com:587\` (or \`smtps://…:465\` for TLS from the first byte). A mail that cannot be sent is logged at \`error\` and does not fail the request that sent it.

Without \`SMTP_URL\`, mails go to the **dev mailbox** instead: the most recent 500 are kept in the process's memory (lost on restart) and listed, newest first, at \`GET /api/v1/dev/mailbox\` (add \`?to=address\` to filter). That route exists only when \`NODE_ENV\` is not \`production\`, and answers only requests from the server machine itself (its mails hold sign-in and reset links): the connection's own address must be a loopback one (\`127.0.0.0/8\`, \`::1\`) and the request must carry no \`X-Forwarded-For\` or \`Forwarded\` header, whatever \`TRUST_PROXY\` says, so neither a client that writes \`127.0.0.1\` in \`X-Forwarded-For\` nor a proxy on the same machine reaches it. Others get \`403 loopback_only\`. In production, set \`SMTP_URL\`: without it no mail is delivered, so users can neither confirm their address nor reset a password.`,
  },
  MAIL_FROM: {
    module: 'mail',
    default: 'Ovation <no-reply@localhost>',
    ...text(),
    description: 'Sender of every mail. Use an address your SMTP server may send as.',
  },
  SESSION_TTL_HOURS: {
    module: 'accounts',
    default: '720',
    ...wholeNumber(1, 24 * 365),
    description: 'How long a session lasts after sign-in, in hours (the default is 30 days). Using a session does not extend it: when it expires, the user signs in again.',
  },
  DEFAULT_REGION: {
    module: 'accounts',
    default: 'US',
    ...regionCode(),
    description: 'Region assumed when a sign-up names none, such as `US` or `KR`. It also chooses the age limits that apply to such users, and is the region of admins made by `ovation admin create`.',
  },
  MIN_SIGNUP_AGE: {
    module: 'accounts',
    default: '13',
    ...wholeNumber(0, 100),
    description:
      'Youngest age, in whole years, that may sign up, in every region that `MIN_SIGNUP_AGE_BY_REGION` does not name. A younger applicant is refused with `403 age_restricted` and nothing is stored.',
  },
  MIN_SIGNUP_AGE_BY_REGION: {
    module: 'accounts',
    default: '',
    ...agesByRegion(),
    description: 'Youngest age that may sign up in some regions, overriding `MIN_SIGNUP_AGE` there, as comma-separated `REGION:AGE` entries such as `KR:14,DE:16`. Empty: no overrides.',
  },
  ADULT_AGE: {
    module: 'accounts',
    default: '18',
    ...wholeNumber(0, 100),
    description:
      'Age from which a user may buy coins, send or receive gifts, go live, become a creator and cash out, in every region that `ADULT_AGE_BY_REGION` does not name. Users under the adult age can sign up and use the rest of the service; the API shows `isAdult` on each user. See the age gate in [api.md](api.md#age-gate).',
  },
  ADULT_AGE_BY_REGION: {
    module: 'accounts',
    default: 'KR:19',
    ...agesByRegion(),
    description:
      'The adult age in some regions, overriding `ADULT_AGE` there, in the same `REGION:AGE` form. Setting it replaces the default list, so keep `KR:19` in it if you still want it (for example `KR:19,JP:20`).',
  },
  CREATOR_APPROVAL: {
    module: 'accounts',
    default: 'auto',
    ...oneOf(['auto', 'admin']),
    description:
      'What happens when an eligible user applies to be a creator (`POST /api/v1/creator/apply`). `auto`: the creator role is granted at once. `admin`: the application waits with status `pending` until an admin decides it with `POST /api/v1/admin/users/:id/creator`.',
  },
  CREATOR_MIN_FOLLOWERS: {
    module: 'accounts',
    default: '0',
    ...wholeNumber(0, 1_000_000_000),
    description: 'Followers a user needs before applying to be a creator. Fewer answers `403 not_enough_followers`.',
  },
  LOGIN_MAX_FAILURES: {
    module: 'accounts',
    default: '10',
    ...wholeNumber(1, 1000),
    description:
      'Failed sign-ins in a row (a wrong password, or a wrong two-factor code after a right password) after which the account is locked. A successful sign-in resets the count. Each attempt is counted against the account before its password is checked, and the attempt that reaches the limit locks the account at once, so concurrent guesses cannot get more than this many passwords or codes checked; an attempt with the right password that still needs its two-factor code gives its count back.',
  },
  LOGIN_LOCKOUT_MS: {
    module: 'accounts',
    default: '900000',
    ...wholeNumber(1000, 86_400_000),
    description:
      'Length of the first lockout, in milliseconds (the default is 15 minutes). Each further lockout in a row lasts twice as long as the one before, up to 24 hours; a successful sign-in starts over. While locked, sign-in answers `429 account_locked` with a `Retry-After` header, and the user is mailed when the lock begins. A password reset lifts the lock at once (see [operations.md](operations.md#account-safety)).',
  },
  LOGIN_IP_MAX_FAILURES: {
    module: 'accounts',
    default: '100',
    ...wholeNumber(1, 1_000_000),
    description:
      'Failed sign-ins one IP address may make per `RATE_LIMIT_WINDOW_MS`, across all accounts (this also counts attempts for addresses that have no account). Beyond it, sign-ins from that address answer `429 too_many_attempts` with `Retry-After` until the window ends. Each sign-in takes its place in the count before anything is checked (a sign-in that does not fail gives it back), so concurrent attempts cannot exceed it. See [where the limits are kept](#where-the-limits-are-kept).',
  },
  AUTH_IP_MAX_REQUESTS: {
    module: 'accounts',
    default: '60',
    ...wholeNumber(1, 1_000_000),
    description:
      'Sign-ups, password reset requests and confirmation mail requests one IP address may make per `RATE_LIMIT_WINDOW_MS`. Beyond it they answer `429 too_many_requests` with `Retry-After`. See [where the limits are kept](#where-the-limits-are-kept).',
  },
  RATE_LIMIT_WINDOW_MS: {
    module: 'accounts',
    default: '900000',
    ...wholeNumber(1000, 86_400_000),
    description:
      "The window of the per-IP limits `LOGIN_IP_MAX_FAILURES` and `AUTH_IP_MAX_REQUESTS`, in milliseconds (the default is 15 minutes). Counting starts at an address's first request and resets when the window ends.",
  },
  TWO_FACTOR_RECENT_MINUTES: {
    module: 'accounts',
    default: '15',
    ...wholeNumber(1, 1440),
    description:
      'How long, in minutes, after a session proved two-factor (signing in with a code, turning two-factor on in it, or a step-up with `POST /api/v1/me/two-factor/verify`) it may add a payout method or request a payout. Later, those routes answer `403 two_factor_recent_required` until the session proves it again.',
  },
  TRUST_PROXY: {
    module: 'server',
    default: 'false',
    ...trustProxy(),
    description: `Which proxies' \`X-Forwarded-For\` to believe when taking the client's address, for per-IP limits, the sessions' and activity log's addresses, and anonymous room viewers. \`false\`: the address is the connection's. The rules are those of [proxy-addr](https://github.com/jshttp/proxy-addr) (Express's and Fastify's): \`X-Forwarded-For\` is read from its right-most entry, the one the nearest proxy appended, towards the left for as long as the address in hand is a trusted proxy; the first address that is not is the client's. Entries a client writes itself are further left and are never reached.

| value | trusts |
| --- | --- |
| \`false\` (or \`0\`) | nobody: the connection's address is the client's |
| a number of hops, such as \`1\` | that many proxies in front of the server, whatever their addresses: \`1\` takes the right-most \`X-Forwarded-For\` entry (for one load balancer or nginx) |
| comma-separated addresses and networks, such as \`10.0.0.1,192.168.0.0/16,fd00::/8\` | connections and entries from those proxies only (IPv4 entries also match IPv4-mapped IPv6 peers); proxy-addr's names \`loopback\`, \`linklocal\` and \`uniquelocal\` may be listed too |

\`true\` is refused at start with \`TRUST_PROXY: "true" would believe any address a client writes in X-Forwarded-For; give the number of proxies …\`: it used to take the left-most entry, which the client writes, so rotating it dodged every per-IP limit. Prefer the proxies' addresses: a hop count believes whoever connects, so use one only when the server is reachable solely through the proxies (bound to \`127.0.0.1\` or a private network).`,
  },
});

/**
 * Reads the configuration from environment variables (CONFIG_SETTINGS). An empty variable
 * counts as unset. Throws a ConfigError naming the first invalid variable.
 */
export function loadConfig(env: Env = process.env): Config {
  const setting = CONFIG_SETTINGS;
  const read = settingsIn(env);
  const database = read(setting.DATABASE_URL);
  const paymentProvider = read(setting.PAYMENT_PROVIDER);
  const nodeEnv = read(setting.NODE_ENV);
  // The payout provider's own settings are read by src/payouts/config.ts; only whether it is the sandbox matters here.
  const providers = { PAYMENT_PROVIDER: paymentProvider, PAYOUT_PROVIDER: read(setting.PAYOUT_PROVIDER), IDENTITY_PROVIDER: read(setting.IDENTITY_PROVIDER) };
  const sandboxProviders = Object.entries(providers)
    .filter(([, provider]) => provider === 'sandbox')
    .map(([name]) => `${name}=sandbox`);
  const allowSandboxInProduction = read(setting.ALLOW_SANDBOX_IN_PRODUCTION);
  if (nodeEnv === 'production' && sandboxProviders.length > 0 && !allowSandboxInProduction) {
    throw new ConfigError(
      sandboxProviders[0]!.replace(/=.*/, ''),
      `NODE_ENV=production refuses sandbox providers, which sell coins for test cards, verify any identity and pay out nothing: ${sandboxProviders.join(', ')}. ` +
        'Choose real ones (PAYMENT_PROVIDER=stripe, PAYOUT_PROVIDER=wise, IDENTITY_PROVIDER=manual), or set ALLOW_SANDBOX_IN_PRODUCTION=true for a demonstration with play money.',
    );
  }
  const stripeKey = (declared: Setting<string | undefined>, prefix: RegExp, example: string): string => {
    const value = read(declared);
    if (value === undefined || !prefix.test(value)) throw new ConfigError(declared.name, `PAYMENT_PROVIDER=stripe needs it, like ${example}`);
    return value;
  };
  const stripe =
    paymentProvider === 'stripe'
      ? { secretKey: stripeKey(setting.STRIPE_SECRET_KEY, /^(sk|rk)_(test|live)_\w+$/, 'sk_live_…'), webhookSecret: stripeKey(setting.STRIPE_WEBHOOK_SECRET, /^whsec_\w+$/, 'whsec_…') }
      : undefined;
  return {
    port: read(setting.PORT),
    host: read(setting.HOST),
    databaseUrl: database.url,
    databaseEngine: database.engine,
    logLevel: read(setting.LOG_LEVEL),
    nodeEnv,
    ledgerMaxBatch: read(setting.LEDGER_MAX_BATCH),
    ledgerMaxQueue: read(setting.LEDGER_MAX_QUEUE),
    storeCurrencies: read(setting.STORE_CURRENCIES),
    shutdownTimeoutMs: read(setting.SHUTDOWN_TIMEOUT_MS),
    metricsToken: read(setting.METRICS_TOKEN),
    apiRateLimits: { ipMaxRequests: read(setting.API_IP_MAX_REQUESTS), accountMaxRequests: read(setting.API_ACCOUNT_MAX_REQUESTS), windowMs: read(setting.API_RATE_LIMIT_WINDOW_MS) },
    busUrl: read(setting.BUS_URL),
    publicUrl: read(setting.PUBLIC_URL),
    publicUrlGiven: isSettingGiven(env, setting.PUBLIC_URL),
    smtpUrl: read(setting.SMTP_URL),
    mailFrom: read(setting.MAIL_FROM),
    trustProxy: read(setting.TRUST_PROXY),
    sandboxProviders,
    allowSandboxInProduction,
    identity: { provider: providers.IDENTITY_PROVIDER },
    payments: {
      provider: paymentProvider,
      stripe,
      sandboxWebhookSecret: read(setting.SANDBOX_WEBHOOK_SECRET),
      sandboxDisputeDelayMs: read(setting.SANDBOX_DISPUTE_DELAY_MS),
      reconcileIntervalMs: read(setting.RECONCILE_INTERVAL_MS),
      appStoreSandboxSecret: read(setting.APP_STORE_SANDBOX_SECRET),
    },
    live: { creatorTimeoutMs: read(setting.LIVE_CREATOR_TIMEOUT_MS) },
    webhooks: {
      allowInsecureUrls: read(setting.WEBHOOKS_ALLOW_INSECURE_URLS),
      deliveryIntervalMs: read(setting.WEBHOOK_DELIVERY_INTERVAL_MS),
    },
    accounts: {
      sessionTtlMs: read(setting.SESSION_TTL_HOURS) * 3_600_000,
      defaultRegion: read(setting.DEFAULT_REGION),
      minimumSignupAge: read(setting.MIN_SIGNUP_AGE),
      minimumSignupAgeByRegion: read(setting.MIN_SIGNUP_AGE_BY_REGION),
      adultAge: read(setting.ADULT_AGE),
      adultAgeByRegion: read(setting.ADULT_AGE_BY_REGION),
      creatorApproval: read(setting.CREATOR_APPROVAL),
      creatorMinFollowers: read(setting.CREATOR_MIN_FOLLOWERS),
      loginMaxFailures: read(setting.LOGIN_MAX_FAILURES),
      loginLockoutMs: read(setting.LOGIN_LOCKOUT_MS),
      loginIpMaxFailures: read(setting.LOGIN_IP_MAX_FAILURES),
      authIpMaxRequests: read(setting.AUTH_IP_MAX_REQUESTS),
      rateLimitWindowMs: read(setting.RATE_LIMIT_WINDOW_MS),
      twoFactorRecentMs: read(setting.TWO_FACTOR_RECENT_MINUTES) * 60_000,
    },
  };
}

function databaseUrl(): ValueKind<{ url: string; engine: Engine }> {
  return {
    type: 'file path or URL',
    allowed: 'a SQLite file path, `sqlite:PATH`, `postgres://…`, `postgresql://…`',
    parse: (raw) => {
      try {
        return { url: raw, engine: parseDatabaseUrl(raw).engine };
      } catch (error) {
        throw new InvalidValue((error as Error).message.replace(/^DATABASE_URL:?\s*/, ''));
      }
    },
  };
}

/** METRICS_TOKEN: long enough that guessing it is hopeless, in characters a header carries as they are. */
function metricsToken(): ValueKind<string> {
  return {
    type: 'text',
    allowed: '32 to 256 printable ASCII characters without spaces',
    parse: (raw) => {
      if (!/^[\x21-\x7e]{32,256}$/.test(raw))
        throw new InvalidValue(`expected 32 to 256 printable ASCII characters without spaces (such as the output of openssl rand -hex 32), got ${raw.length} character(s)`);
      return raw;
    },
  };
}

function busUrl(): ValueKind<string> {
  return {
    type: 'URL',
    allowed: '`redis://…`, `rediss://…`, `nats://…`',
    parse: (raw) => {
      try {
        parseBusUrl(raw);
      } catch (error) {
        throw new InvalidValue((error as Error).message);
      }
      return raw;
    },
  };
}

/** Names proxy-addr knows for the loopback, link-local and unique-local networks. */
const PROXY_NETWORK_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false`, a number of proxy hops, or comma-separated proxy addresses and networks (CIDR) or proxy-addr's
 * names for them. `true` is refused: it would believe the left-most X-Forwarded-For entry, which the client writes.
 */
function trustProxy(): ValueKind<TrustProxy> {
  const hops = wholeNumber(0, 100);
  return {
    type: 'proxies',
    allowed: '`false`, a number of hops from 0 to 100, or comma-separated addresses, CIDR networks and `loopback`, `linklocal`, `uniquelocal`',
    parse: (raw) => {
      if (/^(false|0|no)$/i.test(raw)) return false;
      if (/^(true|yes)$/i.test(raw)) {
        throw new InvalidValue(
          `${JSON.stringify(raw)} would believe any address a client writes in X-Forwarded-For; give the number of proxies in front of the server (such as 1) or their addresses (such as 10.0.0.1 or 10.0.0.0/8)`,
        );
      }
      if (/^\d+$/.test(raw)) return hops.parse(raw) || false;
      const entries = listEntries(raw);
      for (const entry of entries) {
        const [address = '', prefix, extra] = entry.split('/');
        const family = isIP(address);
        const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
        if (!PROXY_NETWORK_NAMES.has(entry) && (family === 0 || !validPrefix || extra !== undefined)) {
          throw new InvalidValue(`expected false, a number of proxy hops, or proxy addresses and networks such as 10.0.0.1,192.168.0.0/16; got ${JSON.stringify(entry)}`);
        }
      }
      if (entries.length === 0) throw new InvalidValue('expected false, a number of proxy hops, or proxy addresses');
      return entries;
    },
  };
}

/** ISO 3166-1 alpha-2 region codes, upper case. */
export function isRegionCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  // Asking Intl costs microseconds, and every payment asks for its payer's region: each answer is kept (676 codes at most).
  let known = KNOWN_REGION_CODES.get(code);
  if (known === undefined) {
    const name = REGION_NAMES.of(code);
    known = name !== undefined && name !== code && name !== 'Unknown Region';
    KNOWN_REGION_CODES.set(code, known);
  }
  return known;
}
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
const KNOWN_REGION_CODES = new Map<string, boolean>();

function regionCode(): ValueKind<string> {
  return {
    type: 'region code',
    allowed: 'ISO 3166-1 alpha-2, any case',
    parse: (raw) => {
      const code = raw.toUpperCase();
      if (!isRegionCode(code)) throw new InvalidValue(`expected an ISO 3166-1 alpha-2 region code such as US, got ${JSON.stringify(raw)}`);
      return code;
    },
  };
}

/** `KR:19,JP:20` → { KR: 19, JP: 20 }. */
function agesByRegion(): ValueKind<Record<string, number>> {
  return {
    type: 'list',
    allowed: 'comma-separated `REGION:AGE` entries (ISO 3166-1 alpha-2 code, age in whole years)',
    parse: (raw) => {
      const ages: Record<string, number> = {};
      for (const part of listEntries(raw)) {
        const match = /^([A-Za-z]{2}):(\d{1,3})$/.exec(part);
        if (!match || !isRegionCode(match[1]!.toUpperCase())) throw new InvalidValue(`expected entries like KR:19, got ${JSON.stringify(part)}`);
        ages[match[1]!.toUpperCase()] = Number(match[2]);
      }
      return ages;
    },
  };
}

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

function currencyCodes(): ValueKind<readonly string[]> {
  return {
    type: 'list',
    allowed: 'comma-separated ISO 4217 codes, any case',
    parse: (raw) => {
      const codes = listEntries(raw).map((code) => code.toUpperCase());
      if (codes.length === 0) throw new InvalidValue('expected a comma-separated list of ISO 4217 currency codes, such as USD,EUR');
      const unknown = codes.filter((code) => !ISO_CURRENCIES.has(code));
      if (unknown.length > 0) throw new InvalidValue(`not ISO 4217 currency codes: ${unknown.join(', ')}`);
      return [...new Set(codes)];
    },
  };
}
