import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { Database, Schema } from '../db/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Mailer } from '../mail/index.js';
import { memoryLimits, type LimitStore, type SharedLimit } from '../bus/index.js';

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
  failedLoginsByIp: SharedLimit;
  /** Sign-ups, reset and verification mails per IP address. */
  authRequestsByIp: SharedLimit;
  /** Told of each request a per-IP limit refused, by limit (for metrics). */
  limited?: (limit: 'login_ip' | 'auth_ip') => void;
}

export interface AccountsDependencies {
  db: Database;
  ledger: Ledger;
  config: Config;
  mailer: Mailer;
  /** The clock; tests move it to expire links, sessions and lockouts. */
  now?: () => Date;
  /** Where the per-IP limits count: the bus's, shared through Redis; else this process's memory. */
  limits?: LimitStore;
  limited?: (limit: 'login_ip' | 'auth_ip') => void;
}

export function accountsContext(deps: AccountsDependencies): AccountsContext {
  const now = deps.now ?? (() => new Date());
  const { accounts } = deps.config;
  const nowMs = () => now().getTime();
  return {
    ...deps,
    kysely: deps.db.kysely,
    now,
    failedLoginsByIp: (deps.limits ?? memoryLimits(nowMs)).limit('login_ip', accounts.loginIpMaxFailures, accounts.rateLimitWindowMs),
    authRequestsByIp: (deps.limits ?? memoryLimits(nowMs)).limit('auth_ip', accounts.authIpMaxRequests, accounts.rateLimitWindowMs),
  };
}
