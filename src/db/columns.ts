import type { CreateTableBuilder } from 'kysely';
import type { Engine } from './database.js';

/**
 * Adds an auto-incrementing 64-bit primary key named `name`, the one column type the
 * engines spell differently. Explicit values may still be inserted (the ledger assigns its own).
 */
export function addSequenceColumn<T extends string>(table: CreateTableBuilder<T>, engine: Engine, name: string): CreateTableBuilder<T> {
  return engine === 'sqlite'
    ? table.addColumn(name, 'integer', (column) => column.primaryKey().autoIncrement())
    : table.addColumn(name, 'bigint', (column) => column.primaryKey().generatedByDefaultAsIdentity());
}
