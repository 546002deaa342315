import { TOTP, Secret } from 'otpauth';
import { STRONG_PASSWORD, uniqueEmail } from '../accounts/testing/users.js';
import { createTestDatabase, type TestDatabase } from '../db/testing/databases.js';
import type { Engine } from '../db/database.js';
import { Fleet } from './fleet.js';
import { sleep, TortureClient, type Faults, type OperationRecord } from './client.js';
import { verifyRun, type Verification } from './verify.js';
import { formatTable } from '../cli/format.js';

export type TortureMode = 'sqlite' | 'postgres' | 'postgres-2';

export const TORTURE_MODES: readonly TortureMode[] = ['sqlite', 'postgres', 'postgres-2'];

export interface TortureOptions {
  mode: TortureMode;
  /** Viewers sending concurrently (creators come on top). */
  viewers: number;
  creators: number;
  /** How long the clients keep sending while processes are killed. */
  duration_ms: number;
  /** Kills come at random moments, each this long after the process came back at most. */
  maxCrashInterval_ms: number;
  faults: Faults;
  /** Progress lines, such as each crash. */
  log?: (line: string) => void;
  /** The database to run on, of the mode's engine, left in place after the run; by default a new one, deleted after it. */
  database?: TestDatabase;
}

export interface TortureSummary {
  mode: TortureMode;
  processes: number;
  clients: number;
  operationsAttempted: number;
  operationsAcknowledged: number;
  refused: number;
  /** Operations given up by the client after an abandoned or failed request: their outcome is unknown to it. */
  givenUp: number;
  requestsSent: number;
  /** Requests sent again with a key already sent: retries after a failure or abandonment, and duplicates of acknowledged ones. */
  duplicatesSent: number;
  abandoned: number;
  crashesInjected: number;
  ordersPaid: number;
  giftsAcknowledged: number;
  paidMessagesAcknowledged: number;
  payoutsAcknowledged: number;
  serverErrors: string[];
  verification: Verification;
  duration_ms: number;
}

const GIFT_IDS = ['gift_rose', 'gift_finger_heart', 'gift_perfume', 'gift_doughnut', 'gift_confetti'];
const TEST_CARD = '4242424242424242';
const BIRTH_DATE = '1990-01-01';
const LEGAL_NAME = 'Torture Creator';

/** The server's configuration for the run: limits made for one person raised, so that many clients from one IP are not refused. */
function serverEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    CREATOR_APPROVAL: 'auto',
    AUTH_IP_MAX_REQUESTS: '1000000',
    LOGIN_IP_MAX_FAILURES: '1000000',
    STORE_DAILY_PURCHASES: '10000',
    STORE_NEW_ACCOUNT_DAILY_PURCHASES: '10000',
    STORE_DAILY_COINS: '100000000',
    STORE_NEW_ACCOUNT_DAILY_COINS: '100000000',
    PAYOUT_FIRST_HOLD_DAYS: '0',
    PAYOUT_MINIMUM_DIAMONDS: '10',
    PAYOUT_DAILY_MAXIMUM_MINOR: '100000000000',
    PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS: '0',
    PAYOUT_REVIEW_NEW_PAYER_DAYS: '0',
    // Payouts stopped part-way by a kill are finished by the repair sweep; run it often so the end of the run sees it.
    PAYOUT_REPAIR_INTERVAL_MS: '500',
    // Reconciliation runs at the end, by hand; a periodic run would only hide lost webhooks from the checks.
    RECONCILE_INTERVAL_MS: '0',
    LIVE_CREATOR_TIMEOUT_MS: '3600000',
  };
}

interface Creator {
  client: TortureClient;
  liveId: string;
  methodId: string;
}

/**
 * The bank-style torture run: viewers buy coins and pay creators while
 * server processes are killed with SIGKILL at random moments; then every
 * acknowledged operation is checked against the database.
 */
export async function runTorture(options: TortureOptions): Promise<TortureSummary> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const engine: Engine = options.mode === 'sqlite' ? 'sqlite' : 'postgres';
  const database: TestDatabase = options.database ?? (await createTestDatabase(engine));
  const fleet = new Fleet(serverEnv(database.url), options.mode === 'postgres-2' ? 2 : 1);
  let crashes = 0;
  try {
    await fleet.start();
    const creators: Creator[] = [];
    for (let index = 0; index < options.creators; index++) creators.push(await setUpCreator(new TortureClient(`creator${index}`, fleet, options.faults)));
    const viewers = Array.from({ length: options.viewers }, (_, index) => new TortureClient(`viewer${index}`, fleet, options.faults));

    const deadline = Date.now() + options.duration_ms;
    let sending = true;
    const injector = (async () => {
      while (Date.now() < deadline) {
        await sleep(Math.random() * options.maxCrashInterval_ms);
        if (Date.now() >= deadline) break;
        const victims = fleet.size === 2 && Math.random() < 0.3 ? [0, 1] : [Math.floor(Math.random() * fleet.size)];
        crashes += victims.length;
        log(`SIGKILL process ${victims.join(' and ')} (${crashes} so far)`);
        await fleet.crashAndRestart(victims);
      }
    })();
    const work = [...viewers.map((viewer) => viewerLoop(viewer, creators, () => sending)), ...creators.map((creator) => creatorLoop(creator, () => sending))];
    await injector;
    sending = false;
    await Promise.all(work);

    // Webhooks not yet delivered when a process was killed are lost: reconciliation settles those orders.
    for (const viewer of viewers) {
      for (const orderId of orderIdsOf(viewer)) await viewer.perform('order_check', 'POST', `/api/v1/orders/${orderId}/check`, { faulty: false });
    }
    // Payouts a kill stopped between their steps are finished by each process's repair sweep.
    await sleep(1_500);
    const exitCodes = await fleet.stop();

    const records = [...viewers, ...creators.map((creator) => creator.client)].flatMap((client) => client.records);
    const verification = await verifyRun(database.db, records, exitCodes);
    return summarize(options, fleet.size, crashes, records, fleet.errorLogs, verification, Date.now() - started);
  } finally {
    await fleet.stop().catch(() => {});
    if (!options.database) await database.destroy();
  }
}

function orderIdsOf(client: TortureClient): string[] {
  return client.records.filter((record) => record.kind === 'order' && record.answers.length > 0).map((record) => record.answers[0]!.body.order.id as string);
}

async function signUp(client: TortureClient, displayName: string): Promise<void> {
  const email = uniqueEmail(client.id);
  await client.perform('setup', 'POST', '/api/v1/auth/signup', { body: { email, password: STRONG_PASSWORD, displayName, birthDate: BIRTH_DATE }, faulty: false });
  const login = await client.perform('setup', 'POST', '/api/v1/auth/login', { body: { email, password: STRONG_PASSWORD }, faulty: false });
  client.token = required(login, 'sign in').body.token;
  client.userId = required(login, 'sign in').body.user.id;
}

/** A creator live in a room and ready to cash out: two-factor, a verified identity, a bank account. Set up before the kills start. */
async function setUpCreator(client: TortureClient): Promise<Creator> {
  await signUp(client, LEGAL_NAME);
  required(await client.perform('setup', 'POST', '/api/v1/creator/apply', { body: { acceptTerms: true }, faulty: false }), 'apply');
  const { secret } = required(await client.perform('setup', 'POST', '/api/v1/me/two-factor/setup', { faulty: false }), 'two-factor setup').body;
  const code = new TOTP({ secret: Secret.fromBase32(secret as string), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
  required(await client.perform('setup', 'POST', '/api/v1/me/two-factor/confirm', { body: { code }, faulty: false }), 'two-factor confirm');
  const identity = { legalName: LEGAL_NAME, country: 'US', birthDate: BIRTH_DATE, documentType: 'passport', documentNumber: 'P12345678' };
  required(await client.perform('setup', 'POST', '/api/v1/creator/identity', { body: identity, faulty: false }), 'identity');
  const bank = { type: 'bank_account', holderName: LEGAL_NAME, country: 'US', currency: 'USD', accountNumber: '000123456789', routingCode: '110000000' };
  const method = required(await client.perform('setup', 'POST', '/api/v1/creator/payout-methods', { body: bank, faulty: false }), 'payout method');
  const live = required(await client.perform('setup', 'POST', '/api/v1/lives', { body: { title: `${client.id} live` }, faulty: false }), 'go live');
  return { client, liveId: live.body.live.id, methodId: method.body.method.id };
}

function required(record: OperationRecord, step: string) {
  const answer = record.answers[0];
  if (answer === undefined) throw new Error(`${record.clientId}: ${step} failed: ${JSON.stringify(record.refusal)} after ${record.requests} request(s)`);
  return answer;
}

/** Buys coins and spends them on gifts and paid messages in random creators' lives until told to stop. */
async function viewerLoop(viewer: TortureClient, creators: Creator[], keepSending: () => boolean): Promise<void> {
  await signUp(viewer, `Viewer ${viewer.id}`);
  let operation = 0;
  let needsCoins = true;
  while (keepSending()) {
    const key = () => `${viewer.id}-${operation++}`;
    if (needsCoins) {
      await recharge(viewer, key());
      needsCoins = false;
      continue;
    }
    const live = creators[Math.floor(Math.random() * creators.length)]!.liveId;
    const sent =
      Math.random() < 0.75
        ? await viewer.perform('gift', 'POST', `/api/v1/lives/${live}/gifts`, {
            key: key(),
            body: { giftId: GIFT_IDS[Math.floor(Math.random() * GIFT_IDS.length)], quantity: 1 + Math.floor(Math.random() * 3) },
          })
        : await viewer.perform('paid_message', 'POST', `/api/v1/lives/${live}/paid-messages`, {
            key: key(),
            body: { coins: 20 + Math.floor(Math.random() * 80), text: 'hello from the torture test' },
          });
    if (sent.refusal?.code === 'insufficient_coins') needsCoins = true;
  }
}

/** Orders a package and pays it with chaos webhooks (delayed, some twice); a viewer who sees no coins soon asks the server to check. */
async function recharge(viewer: TortureClient, key: string): Promise<void> {
  const order = await viewer.perform('order', 'POST', '/api/v1/orders', { key, body: { packageId: 'pkg_web_700' } });
  const orderId = order.answers[0]?.body.order.id as string | undefined;
  if (orderId === undefined) return;
  const paid = await viewer.perform('checkout', 'POST', `/api/v1/sandbox/checkout/${orderId}`, { body: { card: TEST_CARD, webhooks: 'chaos' } });
  if (paid.answers.length === 0) return;
  await sleep(Math.random() * 100);
  if (Math.random() < 0.5) await viewer.perform('order_check', 'POST', `/api/v1/orders/${orderId}/check`);
}

/** Cashes out about half of what is available, now and then, until told to stop. */
async function creatorLoop(creator: Creator, keepSending: () => boolean): Promise<void> {
  let operation = 0;
  while (keepSending()) {
    await sleep(300 + Math.random() * 700);
    const earnings = await creator.client.perform('read', 'GET', '/api/v1/creator/earnings', { faulty: false });
    const available = Number(earnings.answers[0]?.body.availableDiamonds ?? 0);
    if (available < 20) continue;
    await creator.client.perform('payout', 'POST', '/api/v1/payouts', {
      key: `${creator.client.id}-payout-${operation++}`,
      body: { diamonds: Math.ceil(available / 2), methodId: creator.methodId },
    });
  }
}

function summarize(options: TortureOptions, processes: number, crashes: number, allRecords: OperationRecord[], errorLogs: string[], verification: Verification, duration_ms: number): TortureSummary {
  const records = allRecords.filter((record) => record.kind !== 'setup' && record.kind !== 'read');
  const acknowledged = (kind: OperationRecord['kind']) => records.filter((record) => record.kind === kind && record.answers.length > 0).length;
  return {
    mode: options.mode,
    processes,
    clients: options.viewers + options.creators,
    operationsAttempted: records.length,
    operationsAcknowledged: records.filter((record) => record.answers.length > 0).length,
    refused: records.filter((record) => record.refusal !== undefined).length,
    givenUp: records.filter((record) => record.answers.length === 0 && record.refusal === undefined).length,
    requestsSent: records.reduce((sum, record) => sum + record.requests, 0),
    duplicatesSent: records.reduce((sum, record) => sum + (record.key === undefined ? 0 : record.requests - 1), 0),
    abandoned: records.reduce((sum, record) => sum + record.abandoned, 0),
    crashesInjected: crashes,
    ordersPaid: verification.ordersPaid,
    giftsAcknowledged: acknowledged('gift'),
    paidMessagesAcknowledged: acknowledged('paid_message'),
    payoutsAcknowledged: acknowledged('payout'),
    serverErrors: [...allRecords.flatMap((record) => record.serverErrors.map((error) => `${record.kind}: ${error}`)), ...errorLogs],
    verification,
    duration_ms,
  };
}

/** quick: CI, under a minute per mode on 2 cores; standard: `npm run torture`; long: `--long`, for soak runs. */
export function tortureProfile(profile: 'quick' | 'standard' | 'long'): Omit<TortureOptions, 'mode'> {
  const faults: Faults = { abandonChance: 0.05, giveUpChance: 0.5, duplicateChance: 0.1 };
  switch (profile) {
    case 'quick':
      return { viewers: 17, creators: 3, duration_ms: 20_000, maxCrashInterval_ms: 5_000, faults };
    case 'standard':
      return { viewers: 45, creators: 5, duration_ms: 90_000, maxCrashInterval_ms: 8_000, faults };
    case 'long':
      return { viewers: 94, creators: 6, duration_ms: 600_000, maxCrashInterval_ms: 10_000, faults };
  }
}

export function formatTortureSummaries(summaries: TortureSummary[]): string {
  return formatTable(
    [
      'mode',
      'processes',
      'clients',
      'ops attempted',
      'acknowledged',
      'refused',
      'given up',
      'requests',
      'duplicates sent',
      'abandoned',
      'crashes',
      'orders paid',
      'gifts',
      'paid messages',
      'payouts',
      'discrepancies',
      'seconds',
    ],
    summaries.map((summary) =>
      [
        summary.mode,
        summary.processes,
        summary.clients,
        summary.operationsAttempted,
        summary.operationsAcknowledged,
        summary.refused,
        summary.givenUp,
        summary.requestsSent,
        summary.duplicatesSent,
        summary.abandoned,
        summary.crashesInjected,
        summary.ordersPaid,
        summary.giftsAcknowledged,
        summary.paidMessagesAcknowledged,
        summary.payoutsAcknowledged,
        summary.verification.discrepancies.length,
        Math.round(summary.duration_ms / 1000),
      ].map(String),
    ),
  );
}
