import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createAccounts, type Accounts } from '../accounts/index.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Ledger } from '../ledger/index.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { createSandboxAppStore, NO_APP_STORE, type AppStoreServer, type SandboxAppStore } from '../payments/app-store.js';
import { createAppleAppStore } from '../payments/apple-app-store.js';
import { createGooglePlayStore } from '../payments/google-play-store.js';
import { createOrders, type Orders } from '../payments/orders.js';
import { createSandboxProvider, type SandboxProvider } from '../payments/sandbox.js';
import { createSpendingControls, type SpendingControls } from '../payments/spending.js';
import type { PaymentProvider } from '../payments/provider.js';
import { createStripeProvider } from '../payments/stripe.js';
import { listWalletTransactions } from '../wallet/transactions.js';
import type { Metrics } from './metrics.js';
import type { ModuleSettings } from './settings.js';
import { createCatalog, createTaxRates, type Catalog, type TaxRates } from '../store/index.js';
import {
  createCheers,
  createCreatorPayments,
  createCreatorTiers,
  createGiftCatalog,
  createGiftSending,
  createPaidMessages,
  type Cheers,
  type CreatorPayments,
  type CreatorTiers,
  type GiftCatalog,
  type GiftSending,
  type PaidMessages,
} from '../gifts/index.js';
import { createLives, creatorHeartbeatIntervalMs, type Lives } from '../live/index.js';
import { createRoomAccess, type RoomAccess } from '../live/room-access.js';
import { createRoomHub, type RoomHub } from '../live/room.js';
import { createStreams, type Streams } from '../live/streams.js';
import type { Bus } from '../bus/bus.js';
import { createOutboxRelay, type OutboxRelay } from '../outbox/relay.js';
import { createOverlays, type Overlays } from '../overlay/index.js';
import { createWebhooks, type Webhooks } from '../webhooks/index.js';
import { createIdentity, createManualIdentityProvider, createSandboxIdentityProvider, type IdentityService } from '../identity/index.js';
import { createDiamondValues, createEarnings, type DiamondValues, type Earnings } from '../earnings/index.js';
import { createFinanceReports, createGoodwillGrants, taxReport, type FinanceReports, type GoodwillGrants, type TaxReport } from '../finance/index.js';
import {
  createGiftClawbacks,
  createPayouts,
  createSandboxPayoutProvider,
  createPayPalPayoutProvider,
  createWisePayoutProvider,
  type GiftClawbacks,
  type Payouts,
  type SandboxPayoutProvider,
  type PayPalPayoutProvider,
  type WisePayoutProvider,
} from '../payouts/index.js';
import { createPayerQueries } from '../gifts/index.js';
import { createPremium, createSubscriberPerks, createSubscriptions, createSubscriptionTiers, type Premium, type Subscriptions, type SubscriptionTiers } from '../subscriptions/index.js';
import { createPaidContent, type PaidContent } from '../content/index.js';
import { createSubscriptionIncome } from '../subscriptions/index.js';
import { createLevelUps, createSenderLevels, createStatus, paymentTotals, type LevelUps, type Status } from '../status/index.js';
import { createBattles, createGuests, type Battles, type Guests } from '../stage/index.js';
import { createGoals, type Goals } from '../goals/index.js';
import { createFanClubs, type FanClubs } from '../fan-clubs/index.js';

/** The domain services one server process runs, built once and shared by the HTTP routes and the CLI. */
export interface Services {
  accounts: Accounts;
  mailer: Mailer;
  catalog: Catalog;
  taxRates: TaxRates;
  gifts: GiftCatalog;
  giftSending: GiftSending;
  /** Paying creators, the one path of gifts, paid messages and cheers. */
  creatorPayments: CreatorPayments;
  paidMessages: PaidMessages;
  cheers: Cheers;
  /** Which tier each creator is on, deciding their share of what viewers pay them. */
  creatorTiers: CreatorTiers;
  /** Creators' subscription tiers. */
  subscriptionTiers: SubscriptionTiers;
  /** Viewers' subscriptions to creators, paid in coins, and the renewal job's `renewDue`. */
  subscriptions: Subscriptions;
  /** The platform's own premium plan: a subscription to the platform, and the entitlements it gives. */
  premium: Premium;
  /** Posts and videos locked behind a price or a subscription tier, viewers' unlocks, and who may see what. */
  content: PaidContent;
  /** Gifter levels and rankings of creators and their gifters. */
  status: Status;
  /** Announcing the gifter levels payments reach. */
  levelUps: LevelUps;
  /** Guests on lives' stages, whom viewers may gift. */
  guests: Guests;
  /** Battles between lives, scored by the payments into them. */
  battles: Battles;
  /** Creators' goals for their lives, counted by the payments into them. */
  goals: Goals;
  /** Creators' fan clubs, joined with a gift; fan levels from members' payments and days watched. */
  fanClubs: FanClubs;
  lives: Lives;
  /** Relays committed outbox messages to the bus and the webhook queue. */
  relay: OutboxRelay;
  roomAccess: RoomAccess;
  /** The live rooms' sockets of this process. */
  rooms: RoomHub;
  /** Stream overlay keys; the room socket verifies overlay connections with it. */
  overlays: Overlays;
  /** Creators' stream keys and the media server's publish callbacks. */
  streams: Streams;
  /** Operators' webhooks: endpoints, the delivery queue and its worker's `deliverDue`. */
  webhooks: Webhooks;
  /** Creators' identity checks and payout methods. */
  identity: IdentityService;
  /** Creators' earnings and monthly statements. */
  earnings: Earnings;
  /** The diamond's cash value over time. */
  diamondValues: DiamondValues;
  /** Finance reports from the ledger. */
  financeReports: FinanceReports;
  goodwill: GoodwillGrants;
  /** The tax figure of the books over a period. */
  taxReport: (query: { from?: string; to?: string }) => Promise<TaxReport>;
  payouts: Payouts;
  /** Takes back diamonds that charged-back purchases paid for. */
  clawbacks: GiftClawbacks;
  /** The sandbox payout provider, unless PAYOUT_PROVIDER names a real one. */
  payoutSandbox: SandboxPayoutProvider | undefined;
  /** Wise, when PAYOUT_PROVIDER=wise: it then sends the payouts. */
  wisePayouts: WisePayoutProvider | undefined;
  /** PayPal, when PAYOUT_PROVIDER=paypal: it then sends the payouts. */
  paypalPayouts: PayPalPayoutProvider | undefined;
  orders: Orders;
  spending: SpendingControls;
  sandbox: SandboxProvider;
  /** Stripe, when PAYMENT_PROVIDER=stripe: it then takes the web orders. */
  stripe: PaymentProvider | undefined;
  /** The sandbox app store, with the sandbox payment provider and no real app store only: its receipts cost nothing. */
  appStore: SandboxAppStore | undefined;
  /** The Apple App Store, when APP_STORE_PROVIDER=apple: it then credits app purchases, and its notifications claw refunds back. */
  appleStore: AppStoreServer | undefined;
  /** Google Play, when APP_STORE_PROVIDER=google: it then credits app purchases, and its notifications and voided purchases claw refunds back. */
  googlePlayStore: AppStoreServer | undefined;
  /** Closes room sockets, relays what is pending, stops timers and transports; the database, ledger and bus are closed by their owner. */
  close(): Promise<void>;
}

export function createServices(input: {
  config: Config;
  /** The modules' own settings, read with the rest before anything was opened (settings.ts). */
  settings: ModuleSettings;
  db: Database;
  ledger: Ledger;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
  /** Told of relayed outbox messages, committed events and failed payments. */
  metrics?: Pick<Metrics, 'outbox' | 'paymentFailed' | 'rateLimited'>;
}): Services {
  const { config, db, ledger, logger } = input;
  const now = input.now ?? (() => new Date());
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger });
  // Room sockets act for sessions: every process closes those of sessions that ended (rooms are built below, on the accounts).
  const accounts = createAccounts({
    db,
    ledger,
    config,
    mailer,
    now,
    bus: input.bus,
    logger,
    sessionsEnded: (userId) => rooms.sessionsEnded(userId),
    limited: input.metrics?.rateLimited,
  });
  const storeConfig = input.settings.store;
  const catalog = createCatalog({ db, config: storeConfig, currencies: config.storeCurrencies, now });
  const taxRates = createTaxRates({ db, now });
  const gifts = createGiftCatalog({ db, bus: input.bus, logger, now });
  const webhooks = createWebhooks({ kysely: db.kysely, now, logger, config });
  const relay = createOutboxRelay({ db, bus: input.bus, webhooks, logger, now, observer: input.metrics?.outbox });
  ledger.onOutboxCommitted((messages) => relay.ledgerCommitted(messages));
  // The live summary reports gift totals, which the gift sender (built next, on the lives) keeps.
  const lives = createLives({ db, events: relay, accounts, config, now, bus: input.bus, logger, giftTotals: (liveId) => giftSending.giftTotals(liveId) });
  const giftConfig = input.settings.gifts;
  const creatorTiers = createCreatorTiers({ kysely: db.kysely, accounts, sharePercentByTier: giftConfig.creatorTierShares, now, bus: input.bus, logger });
  // Gifts, paid messages and cheers all pay creators through this one path.
  const levelUps = createLevelUps({ db, events: relay, config: input.settings.status, now });
  const senderLevels = createSenderLevels({ kysely: db.kysely, config: input.settings.status, bus: input.bus, logger });
  const goals = createGoals({ db, bus: input.bus, events: relay, lives, catalog: gifts, logger, now });
  const fanClubs = createFanClubs({ db, bus: input.bus, events: relay, catalog: gifts, accounts, logger, now });
  const guests = createGuests({ db, lives, accounts, events: relay, bus: input.bus, logger, now });
  const battles = createBattles({
    db,
    lives,
    accounts,
    requireGift: (giftId) => gifts.getGift(giftId),
    events: relay,
    bus: input.bus,
    config: input.settings.battles,
    logger,
    now,
  });
  // Running battles are read into memory; the end-due-battles job ends them.
  const battlesStarted = battles.start().catch((error: unknown) => logger.error({ err: error }, 'starting battles failed'));
  const creatorPayments = createCreatorPayments({
    kysely: db.kysely,
    ledger,
    accounts,
    // A gift into a live pays its host, or a guest on its stage.
    lives: { requireLive: (liveId) => lives.requireLive(liveId), requireOnStage: (liveId, userId) => guests.requireOnStage(liveId, userId) },
    tiers: creatorTiers,
    config: giftConfig,
    now,
    totals: paymentTotals(levelUps, senderLevels),
    tallies: [goals.tally, battles.tally, fanClubs.tally],
  });
  // Live rooms in every process hear of changes to subscriptions and tiers, for badges and emotes.
  const perks = createSubscriberPerks({ db, bus: input.bus, logger, now });
  const subscriptionTiers = createSubscriptionTiers({ db, now, changed: perks.changed });
  const subscriptions = createSubscriptions({
    db,
    ledger,
    accounts,
    lives,
    // Rooms are built below, on the subscriptions' perks.
    viewersIn: (liveId) => rooms.viewersHere(liveId),
    // Orders are built below: a month paid by card buys its coins as an order.
    cardPurchase: (purchase) => orders.buyWithSavedCard(purchase),
    tiers: subscriptionTiers,
    shares: creatorTiers,
    events: relay,
    changed: perks.changed,
    goals,
    config: { ...input.settings.subscriptions, diamondsPerCoin: giftConfig.diamondsPerCoin, confirmCoins: giftConfig.confirmCoins },
    now,
  });
  const premium = createPremium({ db, tiers: subscriptionTiers, subscriptions, now });
  const content = createPaidContent({
    db,
    ledger,
    accounts,
    shares: creatorTiers,
    subscriptionAccess: (subscriberId, creatorId) => subscriptions.accessOf(subscriberId, creatorId),
    config: { diamondsPerCoin: giftConfig.diamondsPerCoin, confirmCoins: giftConfig.confirmCoins },
    now,
  });
  const giftSending = createGiftSending({
    kysely: db.kysely,
    payments: creatorPayments,
    accounts,
    catalog: gifts,
    config: giftConfig,
    subscriberAccess: async (senderId, creatorId) => (await subscriptions.accessOf(senderId, creatorId)) !== undefined,
  });
  const roomAccess = createRoomAccess({ kysely: db.kysely, now });
  // A room's mutes and bans cover paid messages and cheers, which carry text, as they cover chat.
  const paidMessages = createPaidMessages({ kysely: db.kysely, payments: creatorPayments, moderation: roomAccess, now });
  const cheers = createCheers({ payments: creatorPayments, moderation: roomAccess });
  const status = createStatus({ kysely: db.kysely, accounts, config: input.settings.status, now });
  const overlays = createOverlays({ kysely: db.kysely, accounts, now });
  const streams = createStreams({ kysely: db.kysely, accounts, lives, config: { ...input.settings.streams, publicUrl: config.publicUrl }, now });
  const rooms = createRoomHub({
    bus: input.bus,
    lives,
    access: roomAccess,
    accounts,
    gifts: {
      sendGift: (gift) => giftSending.send(gift),
      sendPaidMessage: (message) => paidMessages.send(message),
      sendCheer: (cheer) => cheers.send(cheer),
      topGifters: (liveId, limit) => giftSending.topGifters({ liveId }, limit),
      pinned: (liveId) => paidMessages.pinned(liveId),
    },
    subscriptions: perks,
    goals,
    stage: { battleOf: (liveId) => battles.currentOf(liveId), stageOf: (liveId) => guests.stageOf(liveId) },
    badges: {
      levelsOf: (userIds) => status.levelsOf(userIds),
      fansOf: (creatorId, userIds) => fanClubs.badgesOf(creatorId, userIds),
      watched: (creatorId, userId) => fanClubs.watched(creatorId, userId),
      onLowered: (listener) => senderLevels.onLowered(listener),
    },
    overlays,
    config: input.settings.room,
    creatorHeartbeatMs: creatorHeartbeatIntervalMs(config.live.creatorTimeoutMs),
    logger,
    now,
  });
  overlays.onRotate((creatorId) => void rooms.dropOverlays(creatorId));
  const earningsConfig = input.settings.earnings;
  const identityProvider = config.identity.provider === 'manual' ? createManualIdentityProvider() : createSandboxIdentityProvider();
  const identity = createIdentity({ db, kysely: db.kysely, accounts, provider: identityProvider, payoutCurrency: earningsConfig.diamondValue.currency, now });
  const payers = createPayerQueries(db.kysely, accounts);
  const diamondValues = createDiamondValues({ db, ledger, config: earningsConfig, now });
  const earnings = createEarnings({
    db,
    ledger,
    accounts,
    lives,
    gifts,
    payers,
    subscriptionIncome: createSubscriptionIncome(db.kysely),
    contentIncome: content,
    values: diamondValues,
    shares: creatorTiers,
    diamondsPerCoin: giftConfig.diamondsPerCoin,
    now,
  });
  const payoutConfig = input.settings.payouts;
  // Payouts are built below, on the provider; Wise's webhooks name transfers, which payouts keep as their provider reference.
  const wisePayouts = payoutConfig.wise ? createWisePayoutProvider({ ...payoutConfig.wise, payoutIdOf: (transferId) => payouts.payoutIdByReference('wise', transferId) }) : undefined;
  const paypalPayouts = payoutConfig.paypal ? createPayPalPayoutProvider({ ...payoutConfig.paypal, payoutIdOf: (batchId) => payouts.payoutIdByReference('paypal', batchId) }) : undefined;
  const payoutSandbox = wisePayouts || paypalPayouts ? undefined : createSandboxPayoutProvider({ returnDelayMs: payoutConfig.sandboxReturnDelayMs, now });
  const payouts = createPayouts({
    db,
    ledger,
    accounts,
    identity,
    cashValue: (diamonds) => diamondValues.atValueInForce(diamonds),
    earnedValue: (userId, diamonds) => diamondValues.payoutValue(userId, diamonds),
    payers,
    // Orders are built below, on the clawbacks, which hold payouts.
    disputedBuyers: (userIds) => orders.disputedBuyers(userIds),
    provider: wisePayouts ?? paypalPayouts ?? payoutSandbox!,
    config: payoutConfig,
    logger,
    now,
  });
  const clawbacks = createGiftClawbacks({ db, ledger, accounts, payouts, senderLevels, events: relay, now });
  const spending = createSpendingControls({ db, accounts, config: storeConfig, now });
  // Receipts are signed by this secret; unset, each process makes its own (receipts then verify only where they were issued).
  const appStoreConfig = input.settings.appStore;
  const appStore =
    config.payments.provider === 'sandbox' && appStoreConfig.provider === 'sandbox'
      ? createSandboxAppStore({ secret: config.payments.appStoreSandboxSecret ?? randomBytes(32).toString('hex'), now })
      : undefined;
  const sandbox = createSandboxProvider({
    kysely: db.kysely,
    // The sandbox lives in this process, so a per-process secret is enough unless the operator pins one.
    webhookSecret: config.payments.sandboxWebhookSecret ?? randomBytes(32).toString('hex'),
    now,
    disputeDelayMs: config.payments.sandboxDisputeDelayMs,
  });
  const stripe = config.payments.stripe ? createStripeProvider({ ...config.payments.stripe, now }) : undefined;
  const appleStore = appStoreConfig.apple ? createAppleAppStore({ ...appStoreConfig.apple, now }) : undefined;
  const googlePlayStore = appStoreConfig.google
    ? createGooglePlayStore({ ...appStoreConfig.google, pushAudience: appStoreConfig.google.pushAudience ?? `${config.publicUrl}/api/v1/webhooks/google-play`, now })
    : undefined;
  const orders = createOrders({
    db,
    ledger,
    accounts,
    pricing: catalog,
    taxRates,
    spending,
    provider: stripe ?? sandbox,
    // Sandbox orders placed before a switch to Stripe can still be settled.
    formerProviders: stripe ? [sandbox] : [],
    appStore: appleStore ?? googlePlayStore ?? appStore ?? NO_APP_STORE,
    appStoreServer: appleStore ?? googlePlayStore,
    appFeePercent: storeConfig.appFeePercent,
    walletHistory: (userId, filter, limit) => listWalletTransactions(db, userId, filter, limit),
    clawBackGifts: (order) => clawbacks.clawBack(order),
    memberBonusPercent: (userId) => premium.purchaseBonusPercentOf(userId),
    publicUrl: config.publicUrl,
    now,
    paymentFailed: input.metrics?.paymentFailed,
  });
  return {
    accounts,
    mailer,
    catalog,
    taxRates,
    gifts,
    giftSending,
    creatorPayments,
    paidMessages,
    cheers,
    creatorTiers,
    subscriptionTiers,
    subscriptions,
    premium,
    content,
    status,
    levelUps,
    goals,
    fanClubs,
    guests,
    battles,
    lives,
    relay,
    roomAccess,
    rooms,
    overlays,
    streams,
    webhooks,
    identity,
    earnings,
    diamondValues,
    financeReports: createFinanceReports({
      db,
      orderSources: (orderIds) => orders.sourcesOf(orderIds),
      payoutFees: (payoutIds) => payouts.quotedFeesOf(payoutIds),
      diamondValues,
      now,
    }),
    goodwill: createGoodwillGrants({ db, ledger, accounts, now }),
    taxReport: (query) => taxReport({ db, now }, query),
    payouts,
    clawbacks,
    payoutSandbox,
    wisePayouts,
    paypalPayouts,
    orders,
    spending,
    sandbox,
    stripe,
    appStore,
    appleStore,
    googlePlayStore,
    async close() {
      await rooms.close();
      await relay.close();
      sandbox.close();
      payoutSandbox?.close();
      mailer.close();
      await battlesStarted;
      await Promise.all([accounts.close(), gifts.close(), lives.close(), creatorTiers.close(), goals.close(), fanClubs.close(), guests.close(), battles.close(), senderLevels.close()]);
    },
  };
}
