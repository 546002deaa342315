import { createPublicKey } from 'node:crypto';
import { CONFIG_SETTINGS, ConfigError, declareSettings, InvalidValue, settingsIn, text, url, wholeNumber, type Env, type Setting, type ValueKind } from '../config/index.js';

/** The rules of cashing out, all set by the operator. Money thresholds are in the minor unit of the diamonds' cash currency. */
export interface PayoutConfig {
  /** The smallest payout: 2,000 diamonds (10 USD at the default value). */
  readonly minimumDiamonds: bigint;
  /** Most a creator may request in 24 hours, requests in review included. */
  readonly dailyMaximumMinor: bigint;
  /** A creator's first payout waits this long after their first earning. */
  readonly firstPayoutHoldDays: number;
  readonly review: PayoutReviewConfig;
  /** How long after paying the sandbox's "returned" test accounts send the money back. */
  readonly sandboxReturnDelayMs: number;
  /** How often payouts left mid-way (a crash, a provider that did not answer) are driven on. */
  readonly repairIntervalMs: number;
  /** Set when Wise sends the payouts (PAYOUT_PROVIDER=wise); otherwise PayPal or the built-in sandbox does. */
  readonly wise: WiseConfig | undefined;
  /** Set when PayPal sends the payouts (PAYOUT_PROVIDER=paypal). */
  readonly paypal: PayPalConfig | undefined;
}

export interface PayPalConfig {
  /** PayPal's REST API, `https://api-m.paypal.com` (or the sandbox, `https://api-m.sandbox.paypal.com`). */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The id PayPal gave the webhook subscription of POST /api/v1/webhooks/paypal; PayPal verifies deliveries against it. */
  readonly webhookId: string;
}

export interface WiseConfig {
  /** Wise's API, `https://api.wise.com` (or the sandbox, `https://api.sandbox.transferwise.tech`). */
  readonly apiUrl: string;
  readonly apiToken: string;
  /** The business profile whose balance pays the transfers. */
  readonly profileId: number;
  /** Wise's PEM public key that webhook signatures verify against; live and sandbox keys differ. */
  readonly webhookPublicKey: string;
}

/** When a payout waits for an admin instead of being approved automatically. */
export interface PayoutReviewConfig {
  readonly largeAmountMinor: bigint;
  readonly youngAccountDays: number;
  /** A payer whose account was younger than this when they first paid the creator counts as new. */
  readonly newPayerDays: number;
  /** Review when new or disputed payers brought at least this share of the last 30 days' diamonds. */
  readonly riskyPayerSharePercent: number;
  /** Review when the last 24 hours brought more than this many times the daily average of the 30 days before; 0 turns the check off. */
  readonly spikeFactor: number;
}

/** The variables of payouts; PAYOUT_PROVIDER is declared in src/config, which refuses the sandbox in production. */
export const PAYOUT_SETTINGS = declareSettings({
  PAYOUT_MINIMUM_DIAMONDS: {
    module: 'payouts',
    default: '2000',
    ...wholeNumber(1, Number.MAX_SAFE_INTEGER),
    description: 'The smallest payout, in diamonds (the default is 10 USD at the default diamond value). See [payouts.md](payouts.md).',
  },
  PAYOUT_DAILY_MAXIMUM_MINOR: {
    module: 'payouts',
    default: '100000',
    ...wholeNumber(1, Number.MAX_SAFE_INTEGER),
    description: "The most one creator may request in 24 hours, in the minor unit of the diamonds' cash currency (the default is 1,000 USD); payouts in review count, rejected and failed ones do not.",
  },
  PAYOUT_FIRST_HOLD_DAYS: {
    module: 'payouts',
    default: '7',
    ...wholeNumber(0, 365),
    description: 'How long after their first earning a creator must wait for their first payout, in days; `0` turns the hold off.',
  },
  PAYOUT_REVIEW_LARGE_MINOR: {
    module: 'payouts',
    default: '50000',
    ...wholeNumber(1, Number.MAX_SAFE_INTEGER),
    description:
      "A payout of this amount or more, in the minor unit of the diamonds' cash currency (the default is 500 USD), waits for an admin instead of being approved automatically, as do the payouts the other `PAYOUT_REVIEW_*` rules catch, and any from a creator with a payer who has had a chargeback.",
  },
  PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS: {
    module: 'payouts',
    default: '30',
    ...wholeNumber(0, 3650),
    description: 'A payout from an account younger than this many days waits for an admin.',
  },
  PAYOUT_REVIEW_NEW_PAYER_DAYS: {
    module: 'payouts',
    default: '7',
    ...wholeNumber(0, 365),
    description: 'A payer whose account was younger than this many days when they first paid the creator counts as new for `PAYOUT_REVIEW_RISKY_PAYER_PERCENT`.',
  },
  PAYOUT_REVIEW_RISKY_PAYER_PERCENT: {
    module: 'payouts',
    default: '50',
    ...wholeNumber(1, 100),
    description:
      "A payout waits for an admin when at least this share of the last 30 days' diamonds came from new payers (see `PAYOUT_REVIEW_NEW_PAYER_DAYS`) or from payers who have had a purchase charged back (or refunded at the payment provider).",
  },
  PAYOUT_REVIEW_SPIKE_FACTOR: {
    module: 'payouts',
    default: '5',
    ...wholeNumber(0, 1000),
    description: 'A payout waits for an admin when the last 24 hours brought more than this many times the daily average of the 30 days before; `0` turns the check off.',
  },
  PAYOUT_SANDBOX_RETURN_DELAY_MS: {
    module: 'payouts',
    default: '60000',
    ...wholeNumber(0, 86_400_000),
    description: 'How long, in milliseconds, after paying the sandbox payout provider sends back payouts to its "returned" test accounts.',
  },
  PAYOUT_REPAIR_INTERVAL_MS: {
    module: 'payouts',
    default: '10000',
    ...wholeNumber(0, 3_600_000),
    description:
      'How often, in milliseconds, the server drives on payouts a crash or an unanswered provider left part-way; `0` turns the sweep off. On PostgreSQL one process at a time does (see [operations.md](operations.md#background-jobs)).',
  },
  WISE_API_TOKEN: {
    module: 'payouts',
    secret: true,
    ...text(),
    description:
      'The Wise API token the transfers are made with. Needed when `PAYOUT_PROVIDER=wise`, and not read otherwise; missing, it stops the server with `WISE_API_TOKEN: PAYOUT_PROVIDER=wise needs it`.',
  },
  WISE_PROFILE_ID: {
    module: 'payouts',
    ...wholeNumber(1, Number.MAX_SAFE_INTEGER),
    description: 'The numeric id of the Wise business profile whose balance pays the transfers. Needed when `PAYOUT_PROVIDER=wise`, and not read otherwise.',
  },
  WISE_WEBHOOK_PUBLIC_KEY: {
    module: 'payouts',
    ...pemPublicKey(),
    description:
      "Wise's public key that the signatures of `POST /api/v1/webhooks/wise` are checked against; the live and sandbox keys differ, and a key kept on one line with `\\n` for its line breaks is accepted. Needed when `PAYOUT_PROVIDER=wise`, and not read otherwise.",
  },
  WISE_API_URL: {
    module: 'payouts',
    default: 'https://api.wise.com',
    ...url(),
    description: "Wise's API; `https://api.sandbox.transferwise.tech` for Wise's own sandbox. Read when `PAYOUT_PROVIDER=wise`.",
  },
  PAYPAL_CLIENT_ID: {
    module: 'payouts',
    ...text(),
    description: "The client id of the PayPal REST app that sends the payouts (PayPal's developer dashboard, Apps & Credentials). Needed when `PAYOUT_PROVIDER=paypal`, and not read otherwise.",
  },
  PAYPAL_CLIENT_SECRET: {
    module: 'payouts',
    secret: true,
    ...text(),
    description:
      'The secret of that PayPal REST app, exchanged for OAuth2 tokens. Needed when `PAYOUT_PROVIDER=paypal`, and not read otherwise; missing, it stops the server with `PAYPAL_CLIENT_SECRET: PAYOUT_PROVIDER=paypal needs it`.',
  },
  PAYPAL_WEBHOOK_ID: {
    module: 'payouts',
    ...text(),
    description:
      "The id PayPal shows for the app's webhook to `POST /api/v1/webhooks/paypal` (subscribed to the `PAYMENT.PAYOUTITEM.*` events); PayPal verifies each delivery's signature against it. Needed when `PAYOUT_PROVIDER=paypal`, and not read otherwise.",
  },
  PAYPAL_API_URL: {
    module: 'payouts',
    default: 'https://api-m.paypal.com',
    ...url(),
    description: "PayPal's REST API; `https://api-m.sandbox.paypal.com` for PayPal's own sandbox. Read when `PAYOUT_PROVIDER=paypal`.",
  },
});

/** Reads PAYOUT_SETTINGS, and PAYOUT_PROVIDER. Throws a ConfigError naming an invalid variable. */
export function loadPayoutConfig(env: Env): PayoutConfig {
  const read = settingsIn(env);
  const setting = PAYOUT_SETTINGS;
  return {
    minimumDiamonds: BigInt(read(setting.PAYOUT_MINIMUM_DIAMONDS)),
    dailyMaximumMinor: BigInt(read(setting.PAYOUT_DAILY_MAXIMUM_MINOR)),
    firstPayoutHoldDays: read(setting.PAYOUT_FIRST_HOLD_DAYS),
    review: {
      largeAmountMinor: BigInt(read(setting.PAYOUT_REVIEW_LARGE_MINOR)),
      youngAccountDays: read(setting.PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS),
      newPayerDays: read(setting.PAYOUT_REVIEW_NEW_PAYER_DAYS),
      riskyPayerSharePercent: read(setting.PAYOUT_REVIEW_RISKY_PAYER_PERCENT),
      spikeFactor: read(setting.PAYOUT_REVIEW_SPIKE_FACTOR),
    },
    sandboxReturnDelayMs: read(setting.PAYOUT_SANDBOX_RETURN_DELAY_MS),
    repairIntervalMs: read(setting.PAYOUT_REPAIR_INTERVAL_MS),
    wise: read(CONFIG_SETTINGS.PAYOUT_PROVIDER) === 'wise' ? loadWiseConfig(env) : undefined,
    paypal: read(CONFIG_SETTINGS.PAYOUT_PROVIDER) === 'paypal' ? loadPayPalConfig(env) : undefined,
  };
}

/** A reader of the settings a provider needs, which names the provider when one is missing. */
function requiredFor(env: Env, provider: string) {
  const read = settingsIn(env);
  return <T>(setting: Setting<T | undefined>): T => {
    const value = read(setting);
    if (value === undefined) throw new ConfigError(setting.name, `PAYOUT_PROVIDER=${provider} needs it`);
    return value;
  };
}

function loadPayPalConfig(env: Env): PayPalConfig {
  const required = requiredFor(env, 'paypal');
  return {
    apiUrl: settingsIn(env)(PAYOUT_SETTINGS.PAYPAL_API_URL),
    clientId: required(PAYOUT_SETTINGS.PAYPAL_CLIENT_ID),
    clientSecret: required(PAYOUT_SETTINGS.PAYPAL_CLIENT_SECRET),
    webhookId: required(PAYOUT_SETTINGS.PAYPAL_WEBHOOK_ID),
  };
}

function loadWiseConfig(env: Env): WiseConfig {
  const read = settingsIn(env);
  const required = requiredFor(env, 'wise');
  return {
    apiUrl: read(PAYOUT_SETTINGS.WISE_API_URL),
    apiToken: required(PAYOUT_SETTINGS.WISE_API_TOKEN),
    profileId: required(PAYOUT_SETTINGS.WISE_PROFILE_ID),
    webhookPublicKey: required(PAYOUT_SETTINGS.WISE_WEBHOOK_PUBLIC_KEY),
  };
}

function pemPublicKey(): ValueKind<string> {
  return {
    type: 'PEM public key',
    allowed: '`-----BEGIN PUBLIC KEY-----…`',
    parse: (raw) => {
      // A PEM often arrives on one line with its newlines written as \n, as many secret stores keep it.
      const pem = raw.replace(/\\n/g, '\n');
      try {
        createPublicKey(pem);
      } catch {
        throw new InvalidValue('expected a PEM public key (-----BEGIN PUBLIC KEY-----…), as Wise publishes it');
      }
      return pem;
    },
  };
}
