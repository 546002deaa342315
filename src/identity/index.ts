import type { RequestOrigin } from '../accounts/index.js';
import { currentIdentity, decideIdentityCheck, listIdentityChecks, revokeIdentity, submitIdentity, verifiedIdentity, type IdentitySubmission } from './checks.js';
import type { IdentityDependencies } from './context.js';
import { addPayoutMethod, listPayoutMethods, payoutMethod, removePayoutMethod, type PayoutMethodInput } from './payout-methods.js';

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
export function createIdentity(deps: IdentityDependencies) {
  return {
    submit: (userId: string, input: IdentitySubmission, origin?: RequestOrigin) => submitIdentity(deps, userId, input, origin),
    /** The creator's newest submission, or null. */
    current: (userId: string) => currentIdentity(deps, userId),
    /** The verified identity, or null when the creator has none. */
    verifiedIdentity: (userId: string) => verifiedIdentity(deps, userId),
    /** For admins: newest submissions by status, a pending one's decision, and revoking a verified one. */
    listChecks: (filter: Parameters<typeof listIdentityChecks>[1]) => listIdentityChecks(deps, filter),
    decide: (input: Parameters<typeof decideIdentityCheck>[1]) => decideIdentityCheck(deps, input),
    revoke: (input: Parameters<typeof revokeIdentity>[1]) => revokeIdentity(deps, input),

    listPayoutMethods: (userId: string) => listPayoutMethods(deps, userId),
    addPayoutMethod: (userId: string, input: PayoutMethodInput, origin?: RequestOrigin) => addPayoutMethod(deps, userId, input, origin),
    removePayoutMethod: (userId: string, methodId: string, origin?: RequestOrigin) => removePayoutMethod(deps, userId, methodId, origin),
    /** An active method of the creator with its full destination, or null. */
    payoutMethod: (userId: string, methodId: string) => payoutMethod(deps, userId, methodId),
  };
}

export type IdentityService = ReturnType<typeof createIdentity>;
