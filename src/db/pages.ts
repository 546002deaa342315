import { sql, type SelectQueryBuilder } from 'kysely';

/**
 * One page of a query, newest first by (`timeColumn`, `id`): the rows after `cursor` when given, at most
 * `limit`, and whether more follow. Keyset paging, not offsets: rows written while a client pages never
 * shift a page or show twice.
 */
export async function newestFirstPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  timeColumn: string,
  cursor: { time: string; id: string } | undefined,
  limit: number,
): Promise<{ rows: O[]; more: boolean }> {
  const time = sql.ref(timeColumn);
  const id = sql.ref('id');
  const after = cursor === undefined ? query : query.where(sql<boolean>`(${time} < ${cursor.time} or (${time} = ${cursor.time} and ${id} < ${cursor.id}))`);
  const rows = await after
    .orderBy(time, 'desc')
    .orderBy(id, 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}
