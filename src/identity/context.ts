import type { Kysely } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import type { Database, Schema } from '../db/index.js';
import type { IdentityProvider } from './provider.js';

/** What every part of the identity domain works with. */
export interface IdentityDependencies {
  /** For writes that must be serialized per creator, such as the payout-method cap. */
  db: Database;
  kysely: Kysely<Schema>;
  /** The account's birth date and age come from here, never from its table. */
  accounts: Pick<Accounts, 'getUser' | 'recordActivity'>;
  provider: IdentityProvider;
  /** ISO 4217: what diamonds are valued in (PAYOUT_DIAMOND_VALUE), the currency wallets are paid in. */
  payoutCurrency: string;
  now: () => Date;
}
