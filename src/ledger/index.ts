export * from './types.js';
export * from './errors.js';
export * from './assets.js';
export * from './amounts.js';
export * from './accounts.js';
export { createLedger, type Ledger, type LedgerOptions } from './ledger.js';
export { runAudit, type AuditCheck, type AuditReport, type AuditCheckResult } from './audit.js';
export { transferIdOf, transferSeqOf } from './requests.js';
export { journalWithHolds, journalWithResolutions } from './journal.js';
export { authorizationVersionBump, transferMetadataField, transferSeqOfColumn } from './sql.js';
export {
  markTransfersPublished,
  messagesOfTransfers,
  outboxMessageId,
  transfersMissingRecord,
  unpublishedMessages,
  type CommittedOutboxMessage,
  type TransferMessage,
} from './outbox.js';
