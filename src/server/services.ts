import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createAccounts, type Accounts } from '../accounts/index.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Ledger } from '../ledger/index.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { createSandboxAppStore, NO_APP_STORE, type SandboxAppStore } from '../payments/app-store.js';
import { createOrders, type Orders } from '../payments/orders.js';
import { createSandboxProvider, type SandboxProvider } from '../payments/sandbox.js';
import { createSpendingControls, type SpendingControls } from '../payments/spending.js';
import type { PaymentProvider } from '../payments/provider.js';
import { createStripeProvider } from '../payments/stripe.js';
import { listWalletTransactions } from '../wallet/transactions.js';
import { createCatalog, loadStoreConfig, type Catalog } from '../store/index.js';
import { createGiftCatalog, type GiftCatalog } from '../gifts/index.js';
import { createGiftSending, loadGiftSendingConfig, type GiftSending } from '../gifts/sending.js';
import { createLives, type Lives } from '../live/index.js';

/** The domain services one server process runs, built once and shared by the HTTP routes and the CLI. */
export interface Services {
  accounts: Accounts;
  mailer: Mailer;
  catalog: Catalog;
  gifts: GiftCatalog;
  giftSending: GiftSending;
  lives: Lives;
  orders: Orders;
  spending: SpendingControls;
  sandbox: SandboxProvider;
  /** Stripe, when PAYMENT_PROVIDER=stripe: it then takes the web orders. */
  stripe: PaymentProvider | undefined;
  /** The sandbox app store, with the sandbox payment provider only: its receipts cost nothing. */
  appStore: SandboxAppStore | undefined;
  /** Stops timers and transports; the database and ledger are closed by their owner. */
  close(): void;
}

export function createServices(input: {
  config: Config;
  env: Readonly<Record<string, string | undefined>>;
  db: Database;
  ledger: Ledger;
  logger: Logger;
  now?: () => Date;
}): Services {
  const { config, db, ledger, logger } = input;
  const now = input.now ?? (() => new Date());
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger });
  const accounts = createAccounts({ db, ledger, config, mailer, now });
  const storeConfig = loadStoreConfig(input.env);
  const catalog = createCatalog({ db, config: storeConfig, currencies: config.storeCurrencies, now });
  const gifts = createGiftCatalog({ db, now });
  // The live summary reports gift totals, which the gift sender (built next, on the lives) keeps.
  const lives = createLives({ kysely: db.kysely, accounts, config, now, giftTotals: (liveId) => giftSending.giftTotals(liveId) });
  const giftSending = createGiftSending({ kysely: db.kysely, ledger, accounts, catalog: gifts, lives, config: loadGiftSendingConfig(input.env), now });
  const spending = createSpendingControls({ kysely: db.kysely, accounts, config: storeConfig, now });
  // Receipts are signed by this secret; unset, each process makes its own (receipts then verify only where they were issued).
  const appStore =
    config.payments.provider === 'sandbox' ? createSandboxAppStore({ secret: config.payments.appStoreSandboxSecret ?? randomBytes(32).toString('hex'), now }) : undefined;
  const sandbox = createSandboxProvider({
    kysely: db.kysely,
    // The sandbox lives in this process, so a per-process secret is enough unless the operator pins one.
    webhookSecret: config.payments.sandboxWebhookSecret ?? randomBytes(32).toString('hex'),
    now,
    disputeDelayMs: config.payments.sandboxDisputeDelayMs,
  });
  const stripe = config.payments.stripe ? createStripeProvider({ ...config.payments.stripe, now }) : undefined;
  const orders = createOrders({
    kysely: db.kysely,
    ledger,
    accounts,
    pricing: catalog,
    spending,
    provider: stripe ?? sandbox,
    // Sandbox orders placed before a switch to Stripe can still be settled.
    formerProviders: stripe ? [sandbox] : [],
    appStore: appStore ?? NO_APP_STORE,
    appFeePercent: storeConfig.appFeePercent,
    walletHistory: (userId, filter, limit) => listWalletTransactions(db, userId, filter, limit),
    publicUrl: config.publicUrl,
    now,
  });
  return {
    accounts,
    mailer,
    catalog,
    gifts,
    giftSending,
    lives,
    orders,
    spending,
    sandbox,
    stripe,
    appStore,
    close() {
      sandbox.close();
      mailer.close();
    },
  };
}
