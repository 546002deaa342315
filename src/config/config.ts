import { isIP } from 'node:net';
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
  /** Redis (`redis://`, `rediss://`) or NATS (`nats://`) carrying room events between server processes; unset, the bus is in-process. */
  readonly busUrl: string | undefined;
  /** Where users reach the web app; links in mails point here. */
  readonly publicUrl: string;
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

export const CONFIG_DEFAULTS = {
  PORT: '3000',
  HOST: '0.0.0.0',
  DATABASE_URL: './data/ovation.db',
  LOG_LEVEL: 'info',
  NODE_ENV: 'development',
  LEDGER_MAX_BATCH: '1000',
  LEDGER_MAX_QUEUE: '10000',
  STORE_CURRENCIES: 'USD,EUR,GBP,JPY,KRW',
  SHUTDOWN_TIMEOUT_MS: '10000',
  PUBLIC_URL: 'http://localhost:3000',
  TRUST_PROXY: 'false',
  SANDBOX_DISPUTE_DELAY_MS: '10000',
  RECONCILE_INTERVAL_MS: '60000',
  LIVE_CREATOR_TIMEOUT_MS: '60000',
  MAIL_FROM: 'Ovation <no-reply@localhost>',
  SESSION_TTL_HOURS: '720',
  DEFAULT_REGION: 'US',
  MIN_SIGNUP_AGE: '13',
  MIN_SIGNUP_AGE_BY_REGION: '',
  ADULT_AGE: '18',
  ADULT_AGE_BY_REGION: 'KR:19',
  CREATOR_APPROVAL: 'auto',
  CREATOR_MIN_FOLLOWERS: '0',
  LOGIN_MAX_FAILURES: '10',
  LOGIN_LOCKOUT_MS: '900000',
  LOGIN_IP_MAX_FAILURES: '100',
  AUTH_IP_MAX_REQUESTS: '60',
  RATE_LIMIT_WINDOW_MS: '900000',
  TWO_FACTOR_RECENT_MINUTES: '15',
  PAYMENT_PROVIDER: 'sandbox',
  PAYOUT_PROVIDER: 'sandbox',
  IDENTITY_PROVIDER: 'sandbox',
  ALLOW_SANDBOX_IN_PRODUCTION: 'false',
  WEBHOOKS_ALLOW_INSECURE_URLS: 'false',
  WEBHOOK_DELIVERY_INTERVAL_MS: '1000',
} as const;

/** Thrown for a missing or malformed environment variable; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration from environment variables. An empty variable
 * counts as unset. Throws a ConfigError naming the first invalid variable.
 */
export function loadConfig(env: Env = process.env): Config {
  const read = (name: keyof typeof CONFIG_DEFAULTS): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? CONFIG_DEFAULTS[name] : value;
  };

  const databaseUrl = read('DATABASE_URL');
  let databaseEngine: Engine;
  try {
    databaseEngine = parseDatabaseUrl(databaseUrl).engine;
  } catch (error) {
    throw new ConfigError('DATABASE_URL', `${(error as Error).message.replace(/^DATABASE_URL:?\s*/, '')}`);
  }

  const optional = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const creatorApproval = read('CREATOR_APPROVAL');
  if (creatorApproval !== 'auto' && creatorApproval !== 'admin') {
    throw new ConfigError('CREATOR_APPROVAL', `expected auto or admin, got ${JSON.stringify(creatorApproval)}`);
  }
  const busUrl = optional('BUS_URL');
  if (busUrl !== undefined) {
    try {
      parseBusUrl(busUrl);
    } catch (error) {
      throw new ConfigError('BUS_URL', (error as Error).message);
    }
  }
  const paymentProvider = read('PAYMENT_PROVIDER');
  if (paymentProvider !== 'sandbox' && paymentProvider !== 'stripe') {
    throw new ConfigError('PAYMENT_PROVIDER', `expected sandbox or stripe, got ${JSON.stringify(paymentProvider)}`);
  }
  const stripeKey = (name: string, prefix: RegExp, example: string): string => {
    const value = optional(name);
    if (value === undefined || !prefix.test(value)) throw new ConfigError(name, `PAYMENT_PROVIDER=stripe needs it, like ${example}`);
    return value;
  };
  const identityProvider = read('IDENTITY_PROVIDER');
  if (identityProvider !== 'sandbox' && identityProvider !== 'manual') {
    throw new ConfigError('IDENTITY_PROVIDER', `expected sandbox or manual, got ${JSON.stringify(identityProvider)}`);
  }
  const nodeEnv = read('NODE_ENV');
  // The payout provider's own settings are read by src/payouts/config.ts; only whether it is the sandbox matters here.
  const sandboxProviders = (['PAYMENT_PROVIDER', 'PAYOUT_PROVIDER', 'IDENTITY_PROVIDER'] as const).filter((name) => read(name) === 'sandbox').map((name) => `${name}=sandbox`);
  const allowSandboxInProduction = parseBoolean('ALLOW_SANDBOX_IN_PRODUCTION', read('ALLOW_SANDBOX_IN_PRODUCTION'));
  if (nodeEnv === 'production' && sandboxProviders.length > 0 && !allowSandboxInProduction) {
    throw new ConfigError(
      sandboxProviders[0]!.replace(/=.*/, ''),
      `NODE_ENV=production refuses sandbox providers, which sell coins for test cards, verify any identity and pay out nothing: ${sandboxProviders.join(', ')}. ` +
        'Choose real ones (PAYMENT_PROVIDER=stripe, PAYOUT_PROVIDER=wise, IDENTITY_PROVIDER=manual), or set ALLOW_SANDBOX_IN_PRODUCTION=true for a demonstration with play money.',
    );
  }
  const stripe =
    paymentProvider === 'stripe'
      ? { secretKey: stripeKey('STRIPE_SECRET_KEY', /^(sk|rk)_(test|live)_\w+$/, 'sk_live_…'), webhookSecret: stripeKey('STRIPE_WEBHOOK_SECRET', /^whsec_\w+$/, 'whsec_…') }
      : undefined;
  return {
    port: parseInteger('PORT', read('PORT'), 0, 65_535),
    host: read('HOST'),
    databaseUrl,
    databaseEngine,
    logLevel: parseLogLevel(read('LOG_LEVEL')),
    nodeEnv,
    ledgerMaxBatch: parseInteger('LEDGER_MAX_BATCH', read('LEDGER_MAX_BATCH'), 1, 100_000),
    ledgerMaxQueue: parseInteger('LEDGER_MAX_QUEUE', read('LEDGER_MAX_QUEUE'), 1, 1_000_000),
    storeCurrencies: parseCurrencies(read('STORE_CURRENCIES')),
    shutdownTimeoutMs: parseInteger('SHUTDOWN_TIMEOUT_MS', read('SHUTDOWN_TIMEOUT_MS'), 100, 3_600_000),
    busUrl,
    publicUrl: parseUrl('PUBLIC_URL', read('PUBLIC_URL')),
    smtpUrl: optional('SMTP_URL') === undefined ? undefined : parseUrl('SMTP_URL', optional('SMTP_URL')!),
    mailFrom: read('MAIL_FROM'),
    trustProxy: parseTrustProxy(read('TRUST_PROXY')),
    sandboxProviders,
    allowSandboxInProduction,
    identity: { provider: identityProvider },
    payments: {
      provider: paymentProvider,
      stripe,
      sandboxWebhookSecret: optional('SANDBOX_WEBHOOK_SECRET'),
      sandboxDisputeDelayMs: parseInteger('SANDBOX_DISPUTE_DELAY_MS', read('SANDBOX_DISPUTE_DELAY_MS'), 0, 86_400_000),
      reconcileIntervalMs: parseInteger('RECONCILE_INTERVAL_MS', read('RECONCILE_INTERVAL_MS'), 0, 86_400_000),
      appStoreSandboxSecret: optional('APP_STORE_SANDBOX_SECRET'),
    },
    live: { creatorTimeoutMs: parseInteger('LIVE_CREATOR_TIMEOUT_MS', read('LIVE_CREATOR_TIMEOUT_MS'), 5000, 3_600_000) },
    webhooks: {
      allowInsecureUrls: parseBoolean('WEBHOOKS_ALLOW_INSECURE_URLS', read('WEBHOOKS_ALLOW_INSECURE_URLS')),
      deliveryIntervalMs: parseInteger('WEBHOOK_DELIVERY_INTERVAL_MS', read('WEBHOOK_DELIVERY_INTERVAL_MS'), 100, 3_600_000),
    },
    accounts: {
      sessionTtlMs: parseInteger('SESSION_TTL_HOURS', read('SESSION_TTL_HOURS'), 1, 24 * 365) * 3_600_000,
      defaultRegion: parseRegion('DEFAULT_REGION', read('DEFAULT_REGION')),
      minimumSignupAge: parseInteger('MIN_SIGNUP_AGE', read('MIN_SIGNUP_AGE'), 0, 100),
      minimumSignupAgeByRegion: parseAgesByRegion('MIN_SIGNUP_AGE_BY_REGION', read('MIN_SIGNUP_AGE_BY_REGION')),
      adultAge: parseInteger('ADULT_AGE', read('ADULT_AGE'), 0, 100),
      adultAgeByRegion: parseAgesByRegion('ADULT_AGE_BY_REGION', read('ADULT_AGE_BY_REGION')),
      creatorApproval,
      creatorMinFollowers: parseInteger('CREATOR_MIN_FOLLOWERS', read('CREATOR_MIN_FOLLOWERS'), 0, 1_000_000_000),
      loginMaxFailures: parseInteger('LOGIN_MAX_FAILURES', read('LOGIN_MAX_FAILURES'), 1, 1000),
      loginLockoutMs: parseInteger('LOGIN_LOCKOUT_MS', read('LOGIN_LOCKOUT_MS'), 1000, 86_400_000),
      loginIpMaxFailures: parseInteger('LOGIN_IP_MAX_FAILURES', read('LOGIN_IP_MAX_FAILURES'), 1, 1_000_000),
      authIpMaxRequests: parseInteger('AUTH_IP_MAX_REQUESTS', read('AUTH_IP_MAX_REQUESTS'), 1, 1_000_000),
      rateLimitWindowMs: parseInteger('RATE_LIMIT_WINDOW_MS', read('RATE_LIMIT_WINDOW_MS'), 1000, 86_400_000),
      twoFactorRecentMs: parseInteger('TWO_FACTOR_RECENT_MINUTES', read('TWO_FACTOR_RECENT_MINUTES'), 1, 1440) * 60_000,
    },
  };
}

export function parseInteger(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${raw}`);
  return value;
}

function parseBoolean(name: string, raw: string): boolean {
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

/** Names proxy-addr knows for the loopback, link-local and unique-local networks. */
const PROXY_NETWORK_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false`, a number of proxy hops, or comma-separated proxy addresses and networks (CIDR) or proxy-addr's
 * names for them. `true` is refused: it would believe the left-most X-Forwarded-For entry, which the client writes.
 */
function parseTrustProxy(raw: string): TrustProxy {
  if (/^(false|0|no)$/i.test(raw)) return false;
  if (/^(true|yes)$/i.test(raw)) {
    throw new ConfigError(
      'TRUST_PROXY',
      `${JSON.stringify(raw)} would believe any address a client writes in X-Forwarded-For; give the number of proxies in front of the server (such as 1) or their addresses (such as 10.0.0.1 or 10.0.0.0/8)`,
    );
  }
  if (/^\d+$/.test(raw)) return parseInteger('TRUST_PROXY', raw, 0, 100) || false;
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
    if (!PROXY_NETWORK_NAMES.has(entry) && (family === 0 || !validPrefix || extra !== undefined)) {
      throw new ConfigError('TRUST_PROXY', `expected false, a number of proxy hops, or proxy addresses and networks such as 10.0.0.1,192.168.0.0/16; got ${JSON.stringify(entry)}`);
    }
  }
  if (entries.length === 0) throw new ConfigError('TRUST_PROXY', 'expected false, a number of proxy hops, or proxy addresses');
  return entries;
}

export function parseUrl(name: string, raw: string): string {
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    throw new ConfigError(name, `expected a URL, got ${JSON.stringify(raw)}`);
  }
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

function parseRegion(name: string, raw: string): string {
  const code = raw.toUpperCase();
  if (!isRegionCode(code)) throw new ConfigError(name, `expected an ISO 3166-1 alpha-2 region code such as US, got ${JSON.stringify(raw)}`);
  return code;
}

/** `KR:19,JP:20` → { KR: 19, JP: 20 }. */
function parseAgesByRegion(name: string, raw: string): Record<string, number> {
  const ages: Record<string, number> = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([A-Za-z]{2}):(\d{1,3})$/.exec(part);
    if (!match || !isRegionCode(match[1]!.toUpperCase())) throw new ConfigError(name, `expected entries like KR:19, got ${JSON.stringify(part)}`);
    ages[match[1]!.toUpperCase()] = Number(match[2]);
  }
  return ages;
}

function parseLogLevel(raw: string): LogLevel {
  const value = raw.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return value as LogLevel;
}

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

function parseCurrencies(raw: string): string[] {
  const codes = raw
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code !== '');
  if (codes.length === 0) throw new ConfigError('STORE_CURRENCIES', 'expected a comma-separated list of ISO 4217 currency codes, such as USD,EUR');
  const unknown = codes.filter((code) => !ISO_CURRENCIES.has(code));
  if (unknown.length > 0) {
    throw new ConfigError('STORE_CURRENCIES', `not ISO 4217 currency codes: ${unknown.join(', ')}`);
  }
  return [...new Set(codes)];
}
