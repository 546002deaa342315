export * from './types.js';
export * from './errors.js';
export * from './assets.js';
export * from './amounts.js';
export * from './accounts.js';
export { createLedger, outboxMessageId, type CommittedOutboxMessage, type Ledger, type LedgerOptions } from './ledger.js';
export { runAudit, type AuditCheck, type AuditReport, type AuditCheckResult } from './audit.js';
export { transferIdOf, transferSeqOf } from './requests.js';
export { transferMetadataField, transferSeqOfColumn } from './sql.js';
