import type { Database } from '../db/index.js';
import { runAudit, type AuditCheck, type AuditReport } from '../ledger/index.js';
import { accountAuditChecks } from './accounts.js';
import { giftAuditChecks } from './gifts.js';
import { paymentAuditChecks } from './payments.js';
import { payoutAuditChecks } from './payouts.js';
import { subscriptionAuditChecks } from './subscriptions.js';
import { contentAuditChecks } from './content.js';
import { statusAuditChecks } from './status.js';
import { fanClubAuditChecks } from './fan-clubs.js';
import { battleAuditChecks } from './battles.js';
import { goodwillAuditChecks } from './goodwill.js';

/**
 * The checks of each domain beside the ledger's own: closures, orders, gifts, payouts, clawbacks, subscriptions, paid content, gifter levels and boards, and goodwill grants. They
 * read the tables themselves, joined to the ledger's, rather than through the code they check: an audit
 * that asked the modules would only prove the modules agree with themselves.
 */
const DOMAIN_AUDIT_CHECKS: readonly AuditCheck[] = [
  ...accountAuditChecks,
  ...paymentAuditChecks,
  ...giftAuditChecks,
  ...payoutAuditChecks,
  ...subscriptionAuditChecks,
  ...contentAuditChecks,
  ...statusAuditChecks,
  ...fanClubAuditChecks,
  ...battleAuditChecks,
  ...goodwillAuditChecks,
];

/** The whole audit, as `ovation audit` and the admin console run it. */
export function auditEverything(db: Database, onProgress?: (checkName: string, index: number, count: number) => void): Promise<AuditReport> {
  return runAudit(db, { extraChecks: [...DOMAIN_AUDIT_CHECKS], onProgress });
}
