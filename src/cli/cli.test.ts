import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import { createLedger, platformAccountSpecs, userCoinWalletId, type AuditReport } from '../ledger/index.js';
import type { ReconcileReport } from '../payments/orders.js';
import { createServices, type Services } from '../server/services.js';
import { createBus } from '../bus/bus.js';
import { formatAuditReport, formatTable } from './format.js';
import { auditEverything } from '../audit/index.js';
import { callServer, startServerProcess, waitUntilReady } from '../server/testing/process.js';
import { liveWithPayingViewer } from '../gifts/testing/network.js';
import { ovation } from './testing/run.js';
import { loadModuleSettings } from '../server/settings.js';

describe('ovation CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovation-cli-'));
  const databaseUrl = join(dir, 'ovation.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('help prints the usage and exits 0', async () => {
    for (const args of [['help'], ['--help'], []]) {
      const run = await ovation(args);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /Usage: ovation <command>/);
      assert.match(run.stdout, /migrate/);
      assert.match(run.stdout, /audit/);
      assert.match(run.stdout, /reconcile \[--json\]/);
    }
  });

  it('rejects an unknown command or option with exit 2', async () => {
    const unknown = await ovation(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const badOption = await ovation(['migrate', '--no-such-option']);
    assert.equal(badOption.code, 2);
  });

  it('reconcile on a fresh SQLite file migrates it, checks no orders and exits 0', async () => {
    const fresh = join(dir, 'reconcile-fresh.db');
    const run = await ovation(['reconcile'], { DATABASE_URL: fresh });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /Reconciling orders in .*reconcile-fresh\.db/);
    assert.match(run.stdout, /Checked 0 order\(s\)/);
    assert.match(run.stdout, /Credited:\s+0\n/);
    assert.match(run.stdout, /Unresolved:\s+0\n/);
    assert.match(run.stdout, /every order checked is settled/);

    const json = await ovation(['reconcile', '--json', '--database-url', fresh], { DATABASE_URL: 'mysql://not-used' });
    assert.equal(json.code, 0, json.stdout + json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { checked: 0, credited: [], failed: [], clawedBack: [], refunded: [], canceled: [], unresolved: [] });
  });

  it('migrate applies the migrations once and lists them', async () => {
    const first = await ovation(['migrate'], { DATABASE_URL: databaseUrl });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migration\(s\):/);
    const second = await ovation(['migrate'], { DATABASE_URL: databaseUrl });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Already up to date/);
  });

  it('migrate --database-url overrides DATABASE_URL', async () => {
    const other = join(dir, 'other.db');
    const run = await ovation(['migrate', '--database-url', other], { DATABASE_URL: 'mysql://not-used' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /other\.db/);
  });

  it('fails with exit 1 and names the variable for an invalid DATABASE_URL', async () => {
    const run = await ovation(['migrate'], { DATABASE_URL: 'mysql://localhost/ovation' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /DATABASE_URL/);
  });

  it('fails with exit 1 and names the variable for a bad module setting, before opening the database', async () => {
    const fresh = join(dir, 'never-opened.db');
    const run = await ovation(['migrate'], { DATABASE_URL: fresh, ROOM_MAX_SOCKETS_PER_VIEWER: 'many' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /ROOM_MAX_SOCKETS_PER_VIEWER/);
    assert.equal(existsSync(fresh), false, 'the database was opened');
  });
});

describe('ovation admin create', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovation-cli-admin-'));
  const databaseUrl = join(dir, 'ovation.db');
  const password = 'correct horse battery staple';
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function userRow(email: string) {
    const db = openDatabase(databaseUrl);
    try {
      return await db.kysely.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    } finally {
      await db.close();
    }
  }

  it('creates an admin on a fresh SQLite file with two-factor on, printing the key and recovery codes once', async () => {
    const run = await ovation(['admin', 'create', '--email', 'Root@Example.com', '--password', password, '--display-name', 'Site Operator'], {
      DATABASE_URL: databaseUrl,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const row = await userRow('root@example.com');
    assert.ok(row, 'the admin is in the users table');
    assert.equal(row.is_admin, 1n);
    assert.equal(row.display_name, 'Site Operator');
    assert.notEqual(row.email_verified_at, null);
    assert.match(run.stdout, new RegExp(`Created administrator ${row.id} <root@example\\.com>`));
    assert.notEqual(row.totp_enabled_at, null);
    const secret = /secret:\s+([A-Z2-7]+)/.exec(run.stdout)?.[1];
    assert.equal(secret, row.totp_secret, 'the printed key is the enrolled one');
    assert.match(run.stdout, /otpauth:\/\/totp\//);
    assert.equal(run.stdout.match(/^ {2}[a-z2-9]{5}-[a-z2-9]{5}$/gm)?.length, 10, 'ten recovery codes');
  });

  it('running it again for the same email keeps the account an admin without error and leaves its password alone', async () => {
    const before = await userRow('root@example.com');
    const run = await ovation(['admin', 'create', '--email', 'root@example.com', '--password', 'another Strong passphrase 42'], { DATABASE_URL: databaseUrl });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /now an administrator/);
    assert.match(run.stdout, /password was left unchanged/);
    assert.match(run.stdout, /already on/, 'the existing authenticator is kept');
    const after = await userRow('root@example.com');
    assert.equal(after?.id, before?.id);
    assert.equal(after?.is_admin, 1n);
    assert.equal(after?.password_hash, before?.password_hash);
  });

  it('--database-url overrides DATABASE_URL', async () => {
    const other = join(dir, 'other.db');
    const run = await ovation(['admin', 'create', '--database-url', other, '--email', 'ops@example.com', '--password', password], { DATABASE_URL: 'mysql://not-used' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const db = openDatabase(other);
    try {
      const row = await db.kysely.selectFrom('users').select('is_admin').where('email', '=', 'ops@example.com').executeTakeFirst();
      assert.equal(row?.is_admin, 1n);
    } finally {
      await db.close();
    }
  });

  it('refuses a weak password with exit 1 and says why', async () => {
    const run = await ovation(['admin', 'create', '--email', 'weak@example.com', '--password', 'password'], { DATABASE_URL: databaseUrl });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /--password: .*at least 10 characters/);
    assert.equal(run.stdout, '');
    assert.equal(await userRow('weak@example.com'), undefined);
  });

  it('refuses an invalid email with exit 1', async () => {
    const run = await ovation(['admin', 'create', '--email', 'not-an-email', '--password', password], { DATABASE_URL: databaseUrl });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /--email: .*not an email address/);
  });

  it('exits 2 with the usage when --email or --password is missing', async () => {
    const noEmail = await ovation(['admin', 'create', '--password', password], { DATABASE_URL: databaseUrl });
    assert.equal(noEmail.code, 2);
    assert.match(noEmail.stderr, /missing --email/);
    assert.match(noEmail.stderr, /Usage: ovation <command>/);
    const noPassword = await ovation(['admin', 'create', '--email', 'x@example.com'], { DATABASE_URL: databaseUrl });
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.stderr, /missing --password/);
    const unknown = await ovation(['admin', 'delete'], { DATABASE_URL: databaseUrl });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown subcommand "delete"/);
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`ovation audit on ${engine}`, { skip }, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(engine);
    });
    after(async () => {
      await testDb?.destroy();
    });

    it('passes on a consistent database: progress on stderr, summary on stdout, exit 0', async () => {
      const run = await ovation(['audit'], { DATABASE_URL: testDb.url });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stderr, /\[1\/\d+\]/);
      assert.match(run.stdout, /Audit passed/);
    });

    it('--json prints the report as JSON', async () => {
      const run = await ovation(['audit', '--json'], { DATABASE_URL: testDb.url });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as { ok: boolean; checks: unknown[] };
      assert.equal(report.ok, true);
      assert.ok(Array.isArray(report.checks));
    });
  });
}

/** Runs `fn` with the services the server runs on `db`, then closes them and flushes the ledger (the database stays open). */
async function withServices<T>(db: Database, url: string, fn: (services: Services) => Promise<T>): Promise<T> {
  const env = { DATABASE_URL: url, LOG_LEVEL: 'silent' };
  const config = loadConfig(env);
  const ledger = createLedger(db, { maxBatchSize: config.ledgerMaxBatch });
  const logger = pino({ level: 'silent' });
  const bus = await createBus(undefined, logger);
  const services = createServices({ config, settings: loadModuleSettings(env), db, ledger, bus, logger });
  try {
    await ledger.ensureAccounts(platformAccountSpecs(config.storeCurrencies));
    await services.catalog.seedDefaults();
    return await fn(services);
  } finally {
    await ledger.close();
    await services.close();
    await bus.close();
  }
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`ovation reconcile on ${engine}`, { skip }, () => {
    let testDb: TestDatabase;
    let userId: string;
    let paid: { id: string; totalCoins: number };
    before(async () => {
      testDb = await createTestDatabase(engine);
      // An order paid at the sandbox whose webhook never arrived ('drop'), and no server to poll it.
      ({ userId, paid } = await withServices(testDb.db, testDb.url, async (services) => {
        const user = await services.accounts.signup(
          { email: 'buyer@example.com', password: 'correct horse battery staple', displayName: 'Buyer', birthDate: '1990-01-01', region: 'US' },
          { ip: '127.0.0.1', userAgent: 'test' },
        );
        const { order } = await services.orders.create(user.id, { packageId: 'pkg_web_70' }, 'key-1');
        const payment = await services.sandbox.checkout(order.id, '4242424242424242', 'drop');
        assert.equal(payment.status, 'succeeded');
        return { userId: user.id, paid: { id: order.id, totalCoins: order.totalCoins } };
      }));
    });
    after(async () => {
      await testDb?.destroy();
    });

    async function walletBalance(): Promise<bigint | undefined> {
      const ledger = createLedger(testDb.db);
      try {
        return (await ledger.getAccount(userCoinWalletId(userId)))?.posted;
      } finally {
        await ledger.close();
      }
    }

    it('credits an order paid at the provider but never credited, and exits 0', async () => {
      assert.equal(await walletBalance(), 0n, 'nothing credited before reconciling');
      assert.ok(paid.totalCoins >= 70, 'the package coins, plus any first-purchase bonus');
      const run = await ovation(['reconcile'], { DATABASE_URL: testDb.url });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stderr, /checked 1\/1 orders/);
      assert.match(run.stdout, /Checked 1 order\(s\)/);
      assert.match(run.stdout, new RegExp(`Credited:\\s+1\\n {2}${paid.id}\\n`));
      assert.match(run.stdout, /Unresolved:\s+0\n/);
      assert.equal(await walletBalance(), BigInt(paid.totalCoins));
      const order = await testDb.db.kysely.selectFrom('orders').select(['status', 'credit_transfer_id']).where('id', '=', paid.id).executeTakeFirstOrThrow();
      assert.equal(order.status, 'succeeded');
      assert.notEqual(order.credit_transfer_id, null);
    });

    it('--json prints the report; running it again credits nothing twice', async () => {
      const run = await ovation(['reconcile', '--json'], { DATABASE_URL: testDb.url });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as ReconcileReport;
      // A paid order is checked again while it can still be disputed, but is already settled.
      assert.deepEqual(report, { checked: 1, credited: [], failed: [], clawedBack: [], refunded: [], canceled: [], unresolved: [] });
      assert.equal(await walletBalance(), BigInt(paid.totalCoins));
    });

    it('exits 1 and names each order it could not settle, with the reason', async () => {
      const lost = await withServices(testDb.db, testDb.url, async (services) => {
        const { order } = await services.orders.create(userId, { packageId: 'pkg_web_350' }, 'key-2');
        return order.id;
      });
      // The provider has no record of the order's payment.
      await testDb.db.kysely.deleteFrom('sandbox_payments').where('order_id', '=', lost).execute();

      const run = await ovation(['reconcile'], { DATABASE_URL: testDb.url });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /Unresolved:\s+1\n/);
      assert.match(run.stdout, new RegExp(`  ${lost}: the provider does not know payment sbpay_`));
      assert.match(run.stdout, /1 order\(s\) could not be settled/);

      const json = await ovation(['reconcile', '--json'], { DATABASE_URL: testDb.url });
      assert.equal(json.code, 1, json.stdout + json.stderr);
      const report = JSON.parse(json.stdout) as ReconcileReport;
      assert.equal(report.checked, 2);
      assert.deepEqual(
        report.unresolved.map((entry) => entry.orderId),
        [lost],
      );
      assert.equal(await walletBalance(), BigInt(paid.totalCoins), 'the unresolved order credits nothing');
    });
  });
}

describe('audit report formatting', () => {
  const report: AuditReport = {
    ok: false,
    accounts: 12,
    transfers: 3,
    totals: [
      { asset: 'COIN', accounts: 4, postedSum: 0n, pendingDebitsSum: 30n, pendingCreditsSum: 30n },
      { asset: 'USD', accounts: 8, postedSum: -250n, pendingDebitsSum: 0n, pendingCreditsSum: 0n },
    ],
    checks: [
      { name: 'assets sum to zero', violations: ['USD sums to -250, not 0'] },
      { name: 'cached balances match the journal', violations: [] },
    ],
    violations: ['USD sums to -250, not 0'],
  };

  it('shows totals, each check and every violation', () => {
    const text = formatAuditReport(report);
    assert.match(text, /Accounts: 12 {3}Transfers: 3/);
    assert.match(text, /USD\s+8\s+-250\s+0\s+0\n/);
    assert.match(text, /COIN\s+4\s+0\s+30\s+30\n/);
    assert.match(text, /assets sum to zero\s+1 violation\(s\)/);
    assert.match(text, /cached balances match the journal\s+ok/);
    assert.match(text, /- USD sums to -250, not 0/);
    assert.match(text, /Audit FAILED/);
  });

  it('aligns columns', () => {
    assert.equal(
      formatTable(
        ['asset', 'n'],
        [
          ['COIN', '5'],
          ['KRW', '100'],
        ],
      ),
      ['asset    n', '-----  ---', 'COIN     5', 'KRW    100'].join('\n'),
    );
  });
});

describe('ovation backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovation-cli-backup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('copies a SQLite database while gifts are being sent; the copy passes the audit and has every gift acknowledged before it began', { timeout: 120_000 }, async () => {
    const databaseUrl = join(dir, 'live.db');
    const server = startServerProcess({ DATABASE_URL: databaseUrl, CREATOR_APPROVAL: 'auto', RECONCILE_INTERVAL_MS: '0' });
    try {
      const url = await server.listening;
      await waitUntilReady(url);
      const { liveId, viewer } = await liveWithPayingViewer(url);

      const acknowledged: string[] = [];
      let sending = true;
      const gifts = (async () => {
        for (let index = 0; sending; index++) {
          const sent = await callServer(url, 'POST', `/api/v1/lives/${liveId}/gifts`, { token: viewer.token, key: `backup-gift-${index}`, body: { giftId: 'gift_rose', quantity: 1 } });
          assert.equal(sent.status, 201, JSON.stringify(sent.body));
          acknowledged.push(sent.body.gift.id as string);
        }
      })();
      while (acknowledged.length < 20) await new Promise((resolve) => setTimeout(resolve, 20));
      const beforeBackup = [...acknowledged];
      const copy = join(dir, 'copy.db');
      const run = await ovation(['backup', copy], { DATABASE_URL: databaseUrl });
      const duringBackup = acknowledged.length - beforeBackup.length;
      sending = false;
      await gifts;
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stderr, /copied (\d+)\/\1 pages \(100%\)/);
      assert.match(run.stdout, /Backed up \d+ pages to .*copy\.db/);
      assert.ok(duringBackup > 0, 'gifts were sent while the backup command ran');

      const restored = openDatabase(copy);
      try {
        const report = await auditEverything(restored);
        assert.equal(report.ok, true, report.violations.join('\n'));
        const recorded = await restored.kysely.selectFrom('gift_events').select('transfer_id').where('transfer_id', 'in', beforeBackup).execute();
        assert.equal(recorded.length, beforeBackup.length, 'every gift acknowledged before the backup began is in the copy');
      } finally {
        await restored.close();
      }

      const again = await ovation(['backup', copy], { DATABASE_URL: databaseUrl });
      assert.equal(again.code, 1, 'an existing file is never overwritten');
      assert.match(again.stderr, /already exists/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('points PostgreSQL users to pg_dump, and needs a path', async () => {
    const postgres = await ovation(['backup', join(dir, 'pg.db')], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(postgres.code, 1);
    assert.match(postgres.stderr, /pg_dump/);
    const missing = await ovation(['backup'], { DATABASE_URL: join(dir, 'any.db') });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing the path/);
  });
});
