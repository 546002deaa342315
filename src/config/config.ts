import { parseDatabaseUrl, type Engine } from '../db/database.js';

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
  /** ISO 4217 codes the coin store sells in; each gets its platform accounts. */
  readonly storeCurrencies: readonly string[];
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
  /** Event bus for several server processes. Only the in-process bus exists so far. */
  readonly busUrl: string | undefined;
}

export const CONFIG_DEFAULTS = {
  PORT: '3000',
  HOST: '0.0.0.0',
  DATABASE_URL: './data/ovation.db',
  LOG_LEVEL: 'info',
  NODE_ENV: 'development',
  LEDGER_MAX_BATCH: '1000',
  STORE_CURRENCIES: 'USD,EUR,GBP,JPY,KRW',
  SHUTDOWN_TIMEOUT_MS: '10000',
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

  const busUrl = env.BUS_URL?.trim();
  return {
    port: parseInteger('PORT', read('PORT'), 0, 65_535),
    host: read('HOST'),
    databaseUrl,
    databaseEngine,
    logLevel: parseLogLevel(read('LOG_LEVEL')),
    nodeEnv: read('NODE_ENV'),
    ledgerMaxBatch: parseInteger('LEDGER_MAX_BATCH', read('LEDGER_MAX_BATCH'), 1, 100_000),
    storeCurrencies: parseCurrencies(read('STORE_CURRENCIES')),
    shutdownTimeoutMs: parseInteger('SHUTDOWN_TIMEOUT_MS', read('SHUTDOWN_TIMEOUT_MS'), 100, 3_600_000),
    busUrl: busUrl === undefined || busUrl === '' ? undefined : busUrl,
  };
}

function parseInteger(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${raw}`);
  return value;
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
