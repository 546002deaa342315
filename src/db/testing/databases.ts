import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type Engine } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import { allMigrations } from '../../server/migrations.js';

const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testPgUrl(): string {
  return process.env.DATABASE_URL_TEST_PG || DEFAULT_TEST_PG_URL;
}

export interface TestTemplates {
  /** A migrated SQLite file to copy. */
  sqlite?: string;
  /** A migrated PostgreSQL database to create test databases from, no one connected to it. */
  postgres?: string;
}

/** The migrated templates this process's test databases start from, when the run made them (src/db/testing/templates.ts). */
export function testTemplates(): TestTemplates {
  const json = process.env.OVATION_TEST_TEMPLATES;
  return json ? (JSON.parse(json) as TestTemplates) : {};
}

let pgReachability: Promise<string | undefined> | undefined;

/** Resolves to undefined when PostgreSQL answers, else to the reason it does not. */
function checkPostgres(): Promise<string | undefined> {
  pgReachability ??= (async () => {
    const client = new pg.Client({ connectionString: testPgUrl(), connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL not reachable at ${testPgUrl()}: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgReachability;
}

export interface EngineUnderTest {
  engine: Engine;
  /** A reason to skip this engine's suites, or undefined to run them. */
  skip: string | undefined;
}

/**
 * The engines a suite runs on. SQLite always; PostgreSQL when reachable. Under
 * CI=true an unreachable PostgreSQL is an error, so CI can never pass by skipping.
 */
export async function enginesUnderTest(): Promise<EngineUnderTest[]> {
  const reason = await checkPostgres();
  if (reason && process.env.CI === 'true') {
    throw new Error(`${reason}. CI=true requires PostgreSQL for the test suite.`);
  }
  if (reason) console.warn(`SKIPPING PostgreSQL suites: ${reason} (set DATABASE_URL_TEST_PG)`);
  return [
    { engine: 'sqlite', skip: undefined },
    { engine: 'postgres', skip: reason },
  ];
}

export interface TestDatabase {
  db: Database;
  /** The URL another process can open the same database with. */
  url: string;
  /** Closes the connection and deletes the database. */
  destroy(): Promise<void>;
}

/** A new, empty database of the given engine, private to one suite: migrated unless `migrated` is false. */
export async function createTestDatabase(engine: Engine, { migrated = true } = {}): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ovation-test-'));
    const url = join(dir, 'ovation.db');
    const template = migrated ? testTemplates().sqlite : undefined;
    if (template) copyFileSync(template, url);
    const db = openDatabase(url);
    // On a template's copy this only checks that every migration is applied.
    if (migrated) await migrateToLatest(db, allMigrations);
    return {
      db,
      url,
      async destroy() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `ovation_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPgUrl() });
  await admin.connect();
  const template = migrated ? testTemplates().postgres : undefined;
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(testPgUrl());
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString(), { maxConnections: 20 });
  if (migrated) await migrateToLatest(db, allMigrations);
  return {
    db,
    url: url.toString(),
    async destroy() {
      await db.close();
      const dropper = new pg.Client({ connectionString: testPgUrl() });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
