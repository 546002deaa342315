import { sql, type RawBuilder } from 'kysely';

/** A column's sum as a bigint on both engines (PostgreSQL sums bigints as numeric), 0 over no rows. */
export function bigintSum(column: string): RawBuilder<bigint> {
  return sql<bigint>`cast(coalesce(sum(${sql.ref(column)}), 0) as bigint)`;
}
