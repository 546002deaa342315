import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
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
});
