import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import { coinMove, fundedUser, ISSUANCE, ledgerFixture } from './testing/fixtures.js';
import { inlined, valuesOf } from './store-postgres.js';

const postgres = (await enginesUnderTest()).find((candidate) => candidate.engine === 'postgres')!;

describe('statements sent together on PostgreSQL, parameters written in as literals', { skip: postgres.skip }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('postgres');
  });
  after(async () => database?.destroy());

  const echo = async (text: string, values: unknown[]) => (await sql.raw<Record<string, unknown>>(inlined(text, values)).execute(database.db.kysely)).rows[0];

  it('reads text back exactly, whatever quotes, backslashes or dollar signs it holds, even those that look like its own quoting', async () => {
    const texts = ['', 'plain', "it's", 'back\\slash\\', '"{},', '$', 'ends in $', '$j', 'ends in $j', '$j$', 'both $j$ and $j0$ and $j1$', '$1 and $2', 'é 🎁 \u2028', 'NULL'];
    for (const text of texts) assert.deepEqual(await echo('SELECT $1::text AS value, $2::text AS other', [text, 'after']), { value: text, other: 'after' }, JSON.stringify(text));
  });

  it('reads arrays of text and integers back exactly, nulls and awkward elements included', async () => {
    const elements = ['a', null, '"quoted"', 'back\\slash', '{braces}, comma', 'NULL', '', "it's", '$j$'];
    assert.deepEqual(await echo('SELECT $1::text[] AS value', [elements]), { value: elements });
    assert.deepEqual(await echo('SELECT $1::bigint[] AS value, $2::bigint AS big, $3::int AS small', [['9223372036854775807', null], 9223372036854775807n, 3]), {
      value: ['9223372036854775807', null],
      big: 9223372036854775807n,
      small: 3n,
    });
  });

  it('writes rows as a VALUES list that an INSERT reads back exactly: text as it is, integers, numbers, nulls', async () => {
    await sql`CREATE TABLE values_under_test (position bigint, note text, amount bigint, share double precision)`.execute(database.db.kysely);
    const rows = [
      { position: 1n, note: '{"payload":"with \\"quotes\\" and \\\\ backslashes"}', amount: -9223372036854775808n, share: 1.5 },
      { position: 2n, note: 'ends in $j', amount: 0n, share: Number.NaN },
      { position: 3n, note: null, amount: null, share: -0.25 },
    ];
    await sql.raw(`INSERT INTO values_under_test (position, note, amount, share) VALUES ${valuesOf(rows, ['position', 'note', 'amount', 'share'])}`).execute(database.db.kysely);
    const back = await sql<{ position: bigint; note: string | null; amount: bigint | null; share: number | null }>`SELECT * FROM values_under_test ORDER BY position`.execute(database.db.kysely);
    assert.deepEqual(
      back.rows.map((row) => ({ ...row, share: row.share === null ? null : Number(row.share) })),
      rows.map((row) => ({ ...row, share: Number.isNaN(row.share) ? null : row.share })),
    );
  });

  it('refuses a parameter it cannot write as a literal, and text holding NUL, which PostgreSQL cannot store', () => {
    assert.throws(() => inlined('SELECT $1', [1.5]), TypeError);
    assert.throws(() => inlined('SELECT $1', [{ a: 1 }]), TypeError);
    assert.throws(() => inlined('SELECT $1', ['a\0b']), TypeError);
  });

  it('writes a batch of payments in three round trips, its plain, read-back and windowed counters and its records included', async () => {
    const fixture = await ledgerFixture('postgres');
    try {
      const kysely = fixture.db.kysely;
      await sql`CREATE TABLE trips_totals (subject text PRIMARY KEY, coins bigint NOT NULL DEFAULT 0)`.execute(kysely);
      await sql`CREATE TABLE trips_scores (subject text PRIMARY KEY, counts_from_ms bigint NOT NULL, counts_until_ms bigint NOT NULL, score bigint NOT NULL DEFAULT 0)`.execute(kysely);
      await sql`CREATE TABLE trips_tags (transfer_id text PRIMARY KEY, score bigint NOT NULL)`.execute(kysely);
      await sql`INSERT INTO trips_scores VALUES ('duel', ${Date.now() - 1000}, ${Date.now() + 60_000}, 0)`.execute(kysely);
      const viewer = await fundedUser(fixture.ledger, 'trips-viewer', 1000);
      const spend = (key: string) =>
        fixture.ledger.submit({
          type: 'posted',
          idempotencyKey: key,
          legs: coinMove(viewer, ISSUANCE, 2),
          counters: [
            { table: 'trips_totals', key: { subject: 'viewer' }, add: { coins: 2 } },
            { table: 'trips_totals', key: { subject: 'lifetime' }, add: { coins: 2 }, totals: true },
            { table: 'trips_scores', key: { subject: 'duel' }, add: { score: 2 }, window: { from: 'counts_from_ms', until: 'counts_until_ms' }, totals: true },
          ],
          records: [{ table: 'trips_tags', transferIdColumn: 'transfer_id', row: { score: 2n }, ifCounted: 2 }],
        });

      // Every message a batch's connection sends, from the checkout to the release.
      const pool = fixture.db.pgPool!;
      const connect = pool.connect.bind(pool);
      const messagesPerBatch: number[] = [];
      pool.connect = (async () => {
        const client = await connect();
        const query = client.query.bind(client);
        let messages = 0;
        client.query = ((...args: Parameters<typeof query>) => {
          messages++;
          return query(...args);
        }) as typeof client.query;
        const release = client.release.bind(client);
        client.release = (error?: Error | boolean) => {
          messagesPerBatch.push(messages);
          client.query = query;
          client.release = release;
          release(error);
        };
        return client;
      }) as typeof pool.connect;
      let transfers;
      try {
        transfers = await Promise.all(Array.from({ length: 10 }, (_, index) => spend(`trips-${index}`)));
      } finally {
        pool.connect = connect;
      }
      assert.deepEqual(
        transfers.map((transfer) => transfer.counterTotals![2]),
        Array.from({ length: 10 }, (_, index) => ({ score: BigInt(2 * (index + 1)) })),
        'every payment counted, in commit order',
      );
      assert.ok(messagesPerBatch.length > 0);
      assert.deepEqual(
        messagesPerBatch,
        messagesPerBatch.map(() => 3),
        'keys, accounts and sequence numbers; inserts and counters; records, balances and COMMIT',
      );
      assert.equal((await sql<{ count: string }>`SELECT count(*) AS count FROM trips_tags`.execute(kysely)).rows[0]!.count, 10n);
    } finally {
      await fixture.destroy();
    }
  });
});
