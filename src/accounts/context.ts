import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { Database, Schema } from '../db/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Mailer } from '../mail/index.js';
import { WindowCounter } from '../shared/window-counter.js';

/** Where a request came from, for the activity log and per-IP limits. */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

/** What every part of the accounts domain works with. */
export interface AccountsContext {
  db: Database;
  kysely: Kysely<Schema>;
  ledger: Ledger;
  config: Config;
  mailer: Mailer;
  now: () => Date;
  /** Failed sign-ins per IP address. */
  failedLoginsByIp: WindowCounter;
  /** Sign-ups, reset and verification mails per IP address. */
  authRequestsByIp: WindowCounter;
}

export interface AccountsDependencies {
  db: Database;
  ledger: Ledger;
  config: Config;
  mailer: Mailer;
  /** The clock; tests move it to expire links, sessions and lockouts. */
  now?: () => Date;
}

export function accountsContext(deps: AccountsDependencies): AccountsContext {
  const now = deps.now ?? (() => new Date());
  const { accounts } = deps.config;
  const nowMs = () => now().getTime();
  return {
    ...deps,
    kysely: deps.db.kysely,
    now,
    failedLoginsByIp: new WindowCounter(accounts.loginIpMaxFailures, accounts.rateLimitWindowMs, nowMs),
    authRequestsByIp: new WindowCounter(accounts.authIpMaxRequests, accounts.rateLimitWindowMs, nowMs),
  };
}
