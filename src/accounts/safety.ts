import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { newId, writeTransaction, type Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import type { CaseTable } from './schema.js';
import type { CaseSchema } from './schemas.js';
import { revokeSessions } from './session-state.js';
import { loadUser, requireUserRow, type RestrictionKind, type User } from './users.js';

/** Things that move money, each guarded by age, role, restrictions and account state. */
export type Capability = 'buy_coins' | 'send_gifts' | 'receive_gifts' | 'go_live' | 'cash_out';

/** Which restrictions stop which capability. */
const BLOCKED_BY: Record<Capability, readonly RestrictionKind[]> = {
  buy_coins: ['spending'],
  send_gifts: ['spending', 'gifting'],
  receive_gifts: [],
  go_live: ['live'],
  cash_out: ['cashout'],
};

const DESCRIBED: Record<Capability, string> = {
  buy_coins: 'buy coins',
  send_gifts: 'send gifts',
  receive_gifts: 'receive gifts',
  go_live: 'go live',
  cash_out: 'cash out',
};

/**
 * Refuses, with a 403 the user can understand, when a user may not do
 * something that moves money: closed account, under the adult age of their
 * region, a restriction in force, not a creator (going live), or no two-factor
 * (cashing out). Every money route calls this before moving anything.
 * Answers the user it checked, so the caller need not load them again.
 */
export async function assertCapability(ctx: AccountsContext, userId: string, capability: Capability): Promise<User> {
  return checkCapability(await loadUser(ctx, userId), capability);
}

/** The user, if they may act so; else the refusal that says why. */
export function checkCapability(user: User, capability: Capability): User {
  const action = DESCRIBED[capability];
  if (user.closed) throw DomainError.forbidden('account_closed', `This account is closed and cannot ${action}.`);
  if (!user.isAdult) throw DomainError.forbidden('age_restricted', `You must be an adult in your region to ${action}.`);
  if ((capability === 'go_live' || capability === 'cash_out') && !user.roles.includes('creator')) {
    throw DomainError.forbidden('creator_required', `Only creators can ${action}; apply to become one first.`);
  }
  if (capability === 'cash_out' && !user.twoFactorEnabled) {
    throw DomainError.forbidden('two_factor_required', 'Turn on two-factor authentication before cashing out.');
  }
  const blocking = user.restrictions.find((restriction) => BLOCKED_BY[capability].includes(restriction.kind));
  if (blocking) throw DomainError.forbidden('account_restricted', `Your account cannot ${action} at the moment: ${blocking.reason}`);
  return user;
}

/** Puts a restriction in force, replacing the reason of one already in force. */
async function putRestriction(trx: Kysely<Schema>, input: { userId: string; kind: RestrictionKind; reason: string; byUserId: string | null; at: Date }): Promise<void> {
  await trx.deleteFrom('user_restrictions').where('user_id', '=', input.userId).where('kind', '=', input.kind).execute();
  await trx.insertInto('user_restrictions').values({ user_id: input.userId, kind: input.kind, reason: input.reason, created_by: input.byUserId, created_at: input.at.toISOString() }).execute();
}

async function insertCase(trx: Kysely<Schema>, input: { id: string; userId: string; kind: string; description: string; at: Date }): Promise<void> {
  await trx
    .insertInto('cases')
    .values({
      id: input.id,
      user_id: input.userId,
      kind: input.kind,
      status: 'open',
      description: input.description,
      resolution: null,
      resolved_by: null,
      created_at: input.at.toISOString(),
      resolved_at: null,
    })
    .execute();
}

/**
 * Puts a restriction in force. With `trx`, inside the caller's transaction, so that the restriction
 * commits with whatever caused it or not at all.
 */
export async function addRestriction(
  ctx: AccountsContext,
  input: { userId: string; kind: RestrictionKind; reason: string; byUserId: string | null },
  origin?: RequestOrigin,
  trx?: Kysely<Schema>,
): Promise<void> {
  const now = ctx.now();
  const apply = async (executor: Kysely<Schema>) => {
    await requireUserRow(executor, input.userId);
    await putRestriction(executor, { ...input, at: now });
    await recordActivity(executor, { userId: input.userId, kind: 'restriction_added', origin, at: now, detail: { restriction: input.kind, reason: input.reason, by: input.byUserId } });
  };
  if (trx) await apply(trx);
  else await writeTransaction(ctx.db, apply);
}

export async function liftRestriction(ctx: AccountsContext, input: { userId: string; kind: RestrictionKind; reason: string; byUserId: string }): Promise<void> {
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    const result = await trx.deleteFrom('user_restrictions').where('user_id', '=', input.userId).where('kind', '=', input.kind).executeTakeFirst();
    if (result.numDeletedRows !== 1n) throw DomainError.notFound('restriction_not_found', `The account has no ${input.kind} restriction.`);
    await recordActivity(trx, { userId: input.userId, kind: 'restriction_lifted', at: now, detail: { restriction: input.kind, reason: input.reason, by: input.byUserId } });
  });
}

export type Case = Static<typeof CaseSchema>;

const FREEZE_REASON = 'you reported unauthorized activity; support will review the account and lift this.';

/**
 * "This wasn't me": freezes spending and cash-out at once, signs out every
 * other session, and opens a case for admins.
 */
export async function reportUnauthorizedActivity(ctx: AccountsContext, userId: string, sessionId: string, description: string, origin: RequestOrigin): Promise<Case> {
  const now = ctx.now();
  const id = newId('case');
  await writeTransaction(ctx.db, async (trx) => {
    for (const kind of ['spending', 'cashout'] as const) await putRestriction(trx, { userId, kind, reason: FREEZE_REASON, byUserId: userId, at: now });
    await revokeSessions(trx, { userId, exceptSessionId: sessionId, at: now });
    await insertCase(trx, { id, userId, kind: 'unauthorized_activity', description, at: now });
    await recordActivity(trx, { userId, kind: 'unauthorized_activity_reported', origin, at: now, detail: { caseId: id } });
  });
  return getCase(ctx, id);
}

/**
 * Opens a case for admins about a user, such as a chargeback. With `trx`, inside the caller's
 * transaction, so that the case commits with what it reports.
 */
export async function openCase(ctx: AccountsContext, input: { userId: string; kind: string; description: string }, trx: Kysely<Schema> = ctx.kysely): Promise<Case> {
  const id = newId('case');
  const at = ctx.now();
  await insertCase(trx, { id, ...input, at });
  return { id, userId: input.userId, kind: input.kind, status: 'open', description: input.description, resolution: null, resolvedBy: null, createdAt: at.toISOString(), resolvedAt: null };
}

function toCase(row: CaseTable): Case {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    status: row.status as Case['status'],
    description: row.description,
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

export async function getCase(ctx: AccountsContext, caseId: string): Promise<Case> {
  const row = await ctx.kysely.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!row) throw DomainError.notFound('case_not_found', `No case has the id ${caseId}.`);
  return toCase(row);
}

export async function listCases(ctx: AccountsContext, filter: { status?: 'open' | 'resolved'; userId?: string }): Promise<Case[]> {
  let query = ctx.kysely.selectFrom('cases').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  return (await query.orderBy('created_at', 'desc').limit(500).execute()).map(toCase);
}

/** Closes a case; `liftFreeze` lifts the spending and cash-out freeze the report put on. */
export async function resolveCase(ctx: AccountsContext, input: { caseId: string; resolution: string; liftFreeze: boolean; byUserId: string }): Promise<Case> {
  const current = await getCase(ctx, input.caseId);
  if (current.status !== 'open') throw DomainError.conflict('case_already_resolved', 'This case is already resolved.');
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('cases').set({ status: 'resolved', resolution: input.resolution, resolved_by: input.byUserId, resolved_at: now.toISOString() }).where('id', '=', input.caseId).execute();
    if (input.liftFreeze) {
      const lifted = await trx
        .deleteFrom('user_restrictions')
        .where('user_id', '=', current.userId)
        .where('kind', 'in', ['spending', 'cashout'])
        .where('reason', '=', FREEZE_REASON)
        .returning('kind')
        .execute();
      for (const { kind } of lifted) {
        await recordActivity(trx, { userId: current.userId, kind: 'restriction_lifted', at: now, detail: { restriction: kind, reason: input.resolution, by: input.byUserId } });
      }
    }
  });
  return getCase(ctx, input.caseId);
}
