import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    assert.deepEqual(config, {
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: './data/ovation.db',
      databaseEngine: 'sqlite',
      logLevel: 'info',
      nodeEnv: 'development',
      ledgerMaxBatch: 1000,
      ledgerMaxQueue: 10_000,
      storeCurrencies: ['USD', 'EUR', 'GBP', 'JPY', 'KRW'],
      shutdownTimeoutMs: 10_000,
      metricsToken: undefined,
      apiRateLimits: { ipMaxRequests: 0, accountMaxRequests: 0, windowMs: 60_000 },
      busUrl: undefined,
      publicUrl: 'http://localhost:3000',
      publicUrlGiven: false,
      smtpUrl: undefined,
      mailFrom: 'Ovation <no-reply@localhost>',
      trustProxy: false,
      sandboxProviders: ['PAYMENT_PROVIDER=sandbox', 'PAYOUT_PROVIDER=sandbox', 'IDENTITY_PROVIDER=sandbox'],
      allowSandboxInProduction: false,
      identity: { provider: 'sandbox' },
      payments: { provider: 'sandbox', stripe: undefined, sandboxWebhookSecret: undefined, sandboxDisputeDelayMs: 10_000, reconcileIntervalMs: 60_000, appStoreSandboxSecret: undefined },
      live: { creatorTimeoutMs: 60_000 },
      webhooks: { allowInsecureUrls: false, deliveryIntervalMs: 1000 },
      accounts: {
        sessionTtlMs: 30 * 86_400_000,
        defaultRegion: 'US',
        minimumSignupAge: 13,
        minimumSignupAgeByRegion: {},
        adultAge: 18,
        adultAgeByRegion: { KR: 19 },
        creatorApproval: 'auto',
        creatorMinFollowers: 0,
        loginMaxFailures: 10,
        loginLockoutMs: 900_000,
        loginIpMaxFailures: 100,
        authIpMaxRequests: 60,
        rateLimitWindowMs: 900_000,
        twoFactorRecentMs: 900_000,
      },
    });
  });

  it('reads the accounts settings and names the variable at fault', () => {
    const config = loadConfig({ ADULT_AGE_BY_REGION: 'kr:19, JP:20', CREATOR_APPROVAL: 'admin', PUBLIC_URL: 'https://live.example.com/', TRUST_PROXY: '1' });
    assert.deepEqual(config.accounts.adultAgeByRegion, { KR: 19, JP: 20 });
    assert.equal(config.accounts.creatorApproval, 'admin');
    assert.equal(config.publicUrl, 'https://live.example.com');
    assert.equal(config.trustProxy, 1);
    for (const [name, value] of [
      ['ADULT_AGE_BY_REGION', 'KR=19'],
      ['ADULT_AGE_BY_REGION', 'XX:19'],
      ['DEFAULT_REGION', 'USA'],
      ['CREATOR_APPROVAL', 'sometimes'],
      ['PUBLIC_URL', 'not a url'],
      ['SMTP_URL', 'nope'],
      ['TRUST_PROXY', 'maybe'],
      ['LOGIN_MAX_FAILURES', '0'],
    ] as const) {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === name,
        `${name}=${value}`,
      );
    }
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://ovation:secret@db.internal:5432/ovation',
      LOG_LEVEL: 'WARN',
      NODE_ENV: 'production',
      ALLOW_SANDBOX_IN_PRODUCTION: 'true',
      LEDGER_MAX_BATCH: '250',
      STORE_CURRENCIES: ' usd, brl ,USD ',
      SHUTDOWN_TIMEOUT_MS: '30000',
      BUS_URL: 'redis://bus:6379',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseEngine, 'postgres');
    assert.equal(config.databaseUrl, 'postgres://ovation:secret@db.internal:5432/ovation');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.nodeEnv, 'production');
    assert.equal(config.ledgerMaxBatch, 250);
    assert.deepEqual(config.storeCurrencies, ['USD', 'BRL']);
    assert.equal(config.shutdownTimeoutMs, 30_000);
    assert.equal(config.busUrl, 'redis://bus:6379');
  });

  it('accepts a Redis or NATS BUS_URL and refuses other schemes without echoing the URL', () => {
    for (const url of ['redis://bus:6379', 'rediss://:secret@bus.example.com:6380/0', 'nats://bus:4222', 'nats://user:secret@bus']) {
      assert.equal(loadConfig({ BUS_URL: url }).busUrl, url);
    }
    for (const [url, message] of [
      ['amqp://guest:secret@bus:5672', 'BUS_URL: scheme "amqp" is not supported (use redis://, rediss:// or nats://)'],
      ['bus:6379', 'BUS_URL: scheme "bus" is not supported (use redis://, rediss:// or nats://)'],
      ['localhost', 'BUS_URL: expected a URL such as redis://127.0.0.1:6379 or nats://127.0.0.1:4222'],
      ['redis://', 'BUS_URL: expected a host, as in redis://127.0.0.1'],
    ] as const) {
      assert.throws(
        () => loadConfig({ BUS_URL: url }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'BUS_URL' && error.message === message,
        url,
      );
    }
  });

  it('takes a METRICS_TOKEN of 32 to 256 printable characters and refuses a shorter one or one with spaces, naming it', () => {
    const token = 'f'.repeat(64);
    assert.equal(loadConfig({ METRICS_TOKEN: token }).metricsToken, token);
    for (const value of ['f'.repeat(31), `${'f'.repeat(20)} ${'f'.repeat(20)}`, 'f'.repeat(257)]) {
      assert.throws(
        () => loadConfig({ METRICS_TOKEN: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'METRICS_TOKEN' && !error.message.includes(value),
        value,
      );
    }
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '  ', LOG_LEVEL: '', BUS_URL: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, './data/ovation.db');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.busUrl, undefined);
  });

  it('chooses the engine from DATABASE_URL', () => {
    assert.equal(loadConfig({ DATABASE_URL: '/var/lib/ovation/ovation.db' }).databaseEngine, 'sqlite');
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite:./data/x.db' }).databaseEngine, 'sqlite');
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite://data/x.db' }).databaseEngine, 'sqlite');
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://localhost/ovation' }).databaseEngine, 'postgres');
  });

  it('accepts PORT=0 to pick a free port', () => {
    assert.equal(loadConfig({ PORT: '0' }).port, 0);
  });

  it('reads LIVE_CREATOR_TIMEOUT_MS', () => {
    assert.equal(loadConfig({ LIVE_CREATOR_TIMEOUT_MS: '5000' }).live.creatorTimeoutMs, 5000);
    assert.equal(loadConfig({ LIVE_CREATOR_TIMEOUT_MS: '3600000' }).live.creatorTimeoutMs, 3_600_000);
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['PORT', { PORT: 'eighty' }, /^PORT: expected a whole number/],
    ['PORT', { PORT: '70000' }, /^PORT: .*65535/],
    ['PORT', { PORT: '-1' }, /^PORT:/],
    ['PORT', { PORT: '80.5' }, /^PORT:/],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL: expected one of trace, debug, info/],
    ['LEDGER_MAX_BATCH', { LEDGER_MAX_BATCH: '0' }, /^LEDGER_MAX_BATCH: expected a whole number from 1/],
    ['LEDGER_MAX_BATCH', { LEDGER_MAX_BATCH: '1e3' }, /^LEDGER_MAX_BATCH:/],
    ['STORE_CURRENCIES', { STORE_CURRENCIES: 'USD,XYZ1,EURO' }, /^STORE_CURRENCIES: not ISO 4217 currency codes: XYZ1, EURO$/],
    ['STORE_CURRENCIES', { STORE_CURRENCIES: ' , ' }, /^STORE_CURRENCIES: expected a comma-separated list/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/ovation' }, /^DATABASE_URL: .*mysql/],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: 'soon' }, /^SHUTDOWN_TIMEOUT_MS:/],
    ['LIVE_CREATOR_TIMEOUT_MS', { LIVE_CREATOR_TIMEOUT_MS: '4999' }, /^LIVE_CREATOR_TIMEOUT_MS: expected a whole number from 5000 to 3600000/],
    ['LIVE_CREATOR_TIMEOUT_MS', { LIVE_CREATOR_TIMEOUT_MS: '3600001' }, /^LIVE_CREATOR_TIMEOUT_MS:/],
    ['PAYMENT_PROVIDER', { PAYMENT_PROVIDER: 'paypal' }, /^PAYMENT_PROVIDER: expected sandbox or stripe/],
    ['STRIPE_SECRET_KEY', { PAYMENT_PROVIDER: 'stripe' }, /^STRIPE_SECRET_KEY: PAYMENT_PROVIDER=stripe needs it/],
    ['STRIPE_WEBHOOK_SECRET', { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc' }, /^STRIPE_WEBHOOK_SECRET:/],
  ];

  it('takes Stripe keys when PAYMENT_PROVIDER=stripe', () => {
    const config = loadConfig({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_xyz' });
    assert.deepEqual(config.payments.stripe, { secretKey: 'sk_test_abc123', webhookSecret: 'whsec_xyz' });
    assert.equal(config.payments.provider, 'stripe');
  });
  for (const [variable, env, message] of invalid) {
    it(`rejects ${variable}=${Object.values(env)[0]} with an error naming ${variable}`, () => {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.variable, variable);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});
