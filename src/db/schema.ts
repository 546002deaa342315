/**
 * Table types for Kysely: every module adds its own tables to this interface from its schema.ts by
 * declaration merging (`declare module '../db/schema.js'`), so the database layer imports no module.
 * Integers are bigint on both engines (see openDatabase).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface Schema {}
