import type { RequestOrigin } from '../accounts/index.js';
import {
  currentIdentity,
  decideIdentityCheck,
  listIdentityChecks,
  revokeIdentity,
  submitIdentity,
  verifiedIdentity,
  type AdminIdentity,
  type AdminIdentityDecision,
  type Identity,
  type IdentitySubmission,
  type VerifiedIdentity,
} from './checks.js';
import type { IdentityDependencies } from './context.js';
import { addPayoutMethod, listPayoutMethods, payoutMethod, removePayoutMethod, type PayoutMethod, type PayoutMethodInput, type PayoutMethodView } from './payout-methods.js';
import type { IdentityStatus } from './provider.js';

export type { IdentityDependencies } from './context.js';
export type { AdminIdentity, AdminIdentityDecision, Identity, IdentitySubmission, VerifiedIdentity } from './checks.js';
export type { PayoutMethod, PayoutMethodInput, PayoutMethodType, PayoutMethodView } from './payout-methods.js';
export {
  createManualIdentityProvider,
  createSandboxIdentityProvider,
  type DocumentType,
  type IdentityCheckInput,
  type IdentityDecision,
  type IdentityProvider,
  type IdentityStatus,
} from './provider.js';
export type { IdentitySchema } from './schema.js';
export { identityRoutes } from './routes.js';

/**
 * Who a creator is and where their money may go: identity checks (KYC)
 * through an IdentityProvider, and payout methods in the verified person's
 * name. Payouts call `verifiedIdentity` and `payoutMethod`.
 */
export interface IdentityService {
  /** Submits the creator's identity for a check. */
  submit(userId: string, input: IdentitySubmission, origin?: RequestOrigin): Promise<Identity>;
  /** The creator's newest submission, or null. */
  current(userId: string): Promise<Identity | null>;
  /** The verified identity, or null when the creator has none. */
  verifiedIdentity(userId: string): Promise<VerifiedIdentity | null>;
  /** For admins: newest submissions, by status. */
  listChecks(filter: { status?: IdentityStatus; limit: number }): Promise<AdminIdentity[]>;
  /** For admins: decides a pending submission. */
  decide(input: { checkId: string; status: AdminIdentityDecision; reason: string | null; byUserId: string }): Promise<AdminIdentity>;
  /** For admins: revokes a verified identity. */
  revoke(input: { checkId: string; reason: string; byUserId: string }): Promise<AdminIdentity>;
  /** The creator's active payout methods. */
  listPayoutMethods(userId: string): Promise<PayoutMethodView[]>;
  /** Adds a payout method in the verified person's name. */
  addPayoutMethod(userId: string, input: PayoutMethodInput, origin?: RequestOrigin): Promise<PayoutMethodView>;
  /** Removes one of the creator's payout methods. */
  removePayoutMethod(userId: string, methodId: string, origin?: RequestOrigin): Promise<PayoutMethodView>;
  /** An active method of the creator with its full destination, or null. */
  payoutMethod(userId: string, methodId: string): Promise<PayoutMethod | null>;
}

export function createIdentity(deps: IdentityDependencies): IdentityService {
  return {
    submit: (userId, input, origin) => submitIdentity(deps, userId, input, origin),
    current: (userId) => currentIdentity(deps, userId),
    verifiedIdentity: (userId) => verifiedIdentity(deps, userId),
    listChecks: (filter) => listIdentityChecks(deps, filter),
    decide: (input) => decideIdentityCheck(deps, input),
    revoke: (input) => revokeIdentity(deps, input),
    listPayoutMethods: (userId) => listPayoutMethods(deps, userId),
    addPayoutMethod: (userId, input, origin) => addPayoutMethod(deps, userId, input, origin),
    removePayoutMethod: (userId, methodId, origin) => removePayoutMethod(deps, userId, methodId, origin),
    payoutMethod: (userId, methodId) => payoutMethod(deps, userId, methodId),
  };
}
