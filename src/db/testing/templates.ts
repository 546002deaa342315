// Migrated template databases for one test run, so each suite's database is a copy rather than a fresh run of
// every migration (seconds per database on PostgreSQL, most of a small suite's time). scripts/run-tests.mjs
// makes them before the suites start and drops them after (scripts/test-templates.ts); without them, each
// test database is migrated from scratch.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import { allMigrations } from '../../server/migrations.js';
import { testPgUrl, type TestTemplates } from './databases.js';

const TEMPLATE_PREFIX = 'ovation_test_template_';

async function withPgAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPgUrl(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function createPostgresTemplate(): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${process.ppid}_${randomBytes(4).toString('hex')}`;
  await withPgAdmin(async (admin) => {
    // Templates of runs that were killed before they could drop theirs (named by the run's process id).
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like '${TEMPLATE_PREFIX}%'`);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEMPLATE_PREFIX.length).split('_')[0]);
      if (!alive(pid)) await admin.query(`drop database if exists ${datname} with (force)`);
    }
    await admin.query(`create database ${name}`);
  });
  const url = new URL(testPgUrl());
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString());
  try {
    await migrateToLatest(db, allMigrations);
  } finally {
    await db.close();
  }
  // A copy fails while anyone is connected to its template: none may connect from now on.
  await withPgAdmin((admin) => admin.query(`alter database ${name} allow_connections false`));
  return name;
}

async function createSqliteTemplate(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'ovation-test-template-')), 'template.db');
  const db = openDatabase(file);
  await migrateToLatest(db, allMigrations);
  // Closing the last connection checkpoints the WAL into the file, so the file alone is the database.
  await db.close();
  return file;
}

export async function createTestTemplates(): Promise<TestTemplates> {
  const templates: TestTemplates = { sqlite: await createSqliteTemplate() };
  try {
    templates.postgres = await createPostgresTemplate();
  } catch (error) {
    // Suites say why PostgreSQL is missing (and fail under CI=true); they migrate their own databases meanwhile.
    console.error(`test templates: no PostgreSQL template (${(error as Error).message})`);
  }
  return templates;
}

export async function dropTestTemplates(templates: TestTemplates): Promise<void> {
  if (templates.sqlite && existsSync(templates.sqlite)) rmSync(dirname(templates.sqlite), { recursive: true, force: true });
  if (templates.postgres) await withPgAdmin((admin) => admin.query(`drop database if exists ${templates.postgres} with (force)`));
}
