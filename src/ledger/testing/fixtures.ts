import { createTestDatabase, type TestDatabase } from '../../db/testing/databases.js';
import type { Engine } from '../../db/database.js';
import { platformAccountId, platformAccountSpecs, userCoinWalletId, userWalletSpecs } from '../accounts.js';
import { COIN } from '../assets.js';
import { createLedger, type Ledger, type LedgerOptions } from '../ledger.js';
import { runAudit } from '../audit.js';
import type { LegInput } from '../types.js';

export interface LedgerFixture extends TestDatabase {
  ledger: Ledger;
}

export async function ledgerFixture(engine: Engine, options: LedgerOptions = {}): Promise<LedgerFixture> {
  const database = await createTestDatabase(engine);
  const ledger = createLedger(database.db, options);
  await ledger.ensureAccounts(platformAccountSpecs(['USD']));
  return {
    ...database,
    ledger,
    async destroy() {
      await ledger.close();
      await database.destroy();
    },
  };
}

export const ISSUANCE = platformAccountId('coin_issuance', COIN);

/** Legs moving `amount` coins from one account to another. */
export function coinMove(from: string, to: string, amount: LegInput['amount']): LegInput[] {
  return [
    { accountId: from, asset: COIN, direction: 'debit', amount },
    { accountId: to, asset: COIN, direction: 'credit', amount },
  ];
}

/** Creates a user's wallets and issues them `coins`. */
export async function fundedUser(ledger: Ledger, userId: string, coins: number): Promise<string> {
  await ledger.ensureAccounts(userWalletSpecs(userId));
  const wallet = userCoinWalletId(userId);
  if (coins > 0) await ledger.submit({ type: 'posted', idempotencyKey: `fund:${userId}`, legs: coinMove(ISSUANCE, wallet, coins) });
  return wallet;
}

/** Counts rows in the ledger tables, to show a refused request wrote nothing. */
export async function journalSize(fixture: TestDatabase): Promise<{ transfers: number; entries: number }> {
  const count = async (table: 'ledger_transfers' | 'ledger_entries') =>
    Number(
      (
        await fixture.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { transfers: await count('ledger_transfers'), entries: await count('ledger_entries') };
}

export async function auditViolations(fixture: TestDatabase): Promise<string[]> {
  return (await runAudit(fixture.db)).violations;
}
