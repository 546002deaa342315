export { openDatabase, withSqliteConnection, type Database, type Engine } from './database.js';
export type { Schema } from './schema.js';
export { lockKeyForTransaction, setWriteGate, writeTransaction } from './transaction.js';
export { newId } from './ids.js';
export { addSequenceColumn } from './columns.js';
export { repairEach, type RepairResult } from './repairs.js';
export { rowsOf } from './rows.js';
export { bigintSum } from './sums.js';
export { newestFirstPage } from './pages.js';
