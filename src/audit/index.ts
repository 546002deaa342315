import { accountAuditChecks } from '../accounts/index.js';
import type { Database } from '../db/index.js';
import { giftAuditChecks } from '../gifts/index.js';
import { runAudit, type AuditCheck, type AuditReport } from '../ledger/index.js';
import { paymentAuditChecks } from '../payments/index.js';
import { payoutAuditChecks } from '../payouts/index.js';

/** The checks each domain adds to the ledger's own: closures, orders, gifts, payouts and clawbacks. */
export const DOMAIN_AUDIT_CHECKS: readonly AuditCheck[] = [...accountAuditChecks, ...paymentAuditChecks, ...giftAuditChecks, ...payoutAuditChecks];

/** The whole audit, as `ovation audit` and the admin console run it. */
export function auditEverything(db: Database, onProgress?: (checkName: string, index: number, count: number) => void): Promise<AuditReport> {
  return runAudit(db, { extraChecks: [...DOMAIN_AUDIT_CHECKS], onProgress });
}
