import { declareSettings, settingsIn, wholeNumber, type Env } from '../config/index.js';

export interface SubscriptionsConfig {
  /** How long after a failed renewal the subscriber keeps access while it is retried. */
  readonly graceMs: number;
  /** Time between attempts at a failed renewal. */
  readonly retryIntervalMs: number;
  /** Time between runs of the renewal job; 0 turns it off. */
  readonly renewalIntervalMs: number;
}

const DAY_MS = 86_400_000;

/** The variables of creator subscriptions: grace, retries and the renewal job. */
export const SUBSCRIPTION_SETTINGS = declareSettings({
  SUBSCRIPTION_GRACE_DAYS: {
    module: 'subscriptions',
    default: '3',
    ...wholeNumber(0, 30),
    description:
      'Days a subscriber keeps access after a renewal fails (too few coins, a restriction) while it is retried; the subscription ends when they pass unpaid. See [subscriptions.md](subscriptions.md#renewal-and-grace).',
  },
  SUBSCRIPTION_RETRY_INTERVAL_MS: {
    module: 'subscriptions',
    default: '21600000',
    ...wholeNumber(60_000, DAY_MS),
    description: 'Milliseconds between attempts at a failed renewal during its grace (six hours by default). The subscriber can also renew at once from their subscriptions.',
  },
  SUBSCRIPTION_RENEWAL_INTERVAL_MS: {
    module: 'subscriptions',
    default: '60000',
    ...wholeNumber(0, DAY_MS),
    description:
      'Milliseconds between runs of the renewal job, which charges the months that came due; 0 turns it off in this process. Every process may run it: a month is charged once whoever runs it.',
  },
});

/** Reads SUBSCRIPTION_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadSubscriptionsConfig(env: Env): SubscriptionsConfig {
  const read = settingsIn(env);
  return {
    graceMs: read(SUBSCRIPTION_SETTINGS.SUBSCRIPTION_GRACE_DAYS) * DAY_MS,
    retryIntervalMs: read(SUBSCRIPTION_SETTINGS.SUBSCRIPTION_RETRY_INTERVAL_MS),
    renewalIntervalMs: read(SUBSCRIPTION_SETTINGS.SUBSCRIPTION_RENEWAL_INTERVAL_MS),
  };
}
