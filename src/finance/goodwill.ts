import type { Selectable } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import { newestFirstPage, newId, repairEach, type Database, type RepairResult } from '../db/index.js';
import { COIN, platformAccountId, userCoinWalletId, type Ledger } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import type { GoodwillGrantTable } from './schema.js';

/** How long a proposed grant waits for a second admin before it expires and can no longer move coins. */
export const GOODWILL_APPROVAL_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The kind of the grant's transfer: its line in the user's wallet history and in the finance reports. */
export const GOODWILL_KIND = 'goodwill';

export type GoodwillStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface GoodwillGrant {
  id: string;
  userId: string;
  coins: bigint;
  reason: string;
  status: GoodwillStatus;
  proposedBy: string;
  proposedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  /** The ledger transfer that moved the coins; null until they moved. */
  transferId: string | null;
}

export interface GoodwillPage {
  grants: GoodwillGrant[];
  nextCursor: string | null;
}

/**
 * Coins support gives a user from the promotions account, under four eyes: one admin proposes (with
 * a reason), a different admin approves, and only then the coins move, in one ledger transfer keyed
 * by the grant, so once however many approvals race. A rejected or expired grant moves nothing.
 */
export interface GoodwillGrants {
  propose(adminId: string, input: { userId: string; coins: number; reason: string; idempotencyKey: string }): Promise<GoodwillGrant>;
  approve(adminId: string, grantId: string): Promise<GoodwillGrant>;
  reject(adminId: string, grantId: string, note: string): Promise<GoodwillGrant>;
  get(grantId: string): Promise<GoodwillGrant>;
  list(query: { status?: GoodwillStatus; cursor?: string; limit: number }): Promise<GoodwillPage>;
  /** Moves the coins of approved grants whose transfer a crash left unmade (start-up). */
  repair(): Promise<RepairResult>;
}

type GrantRow = Selectable<GoodwillGrantTable>;

export function createGoodwillGrants(deps: { db: Database; ledger: Pick<Ledger, 'submit'>; accounts: Pick<Accounts, 'getUser' | 'recordActivity'>; now: () => Date }): GoodwillGrants {
  const { db, ledger, accounts, now } = deps;
  const kysely = db.kysely;

  const statusOf = (row: GrantRow): GoodwillStatus => (row.status === 'pending' && row.expires_at <= now().toISOString() ? 'expired' : (row.status as GoodwillStatus));
  const view = (row: GrantRow): GoodwillGrant => ({
    id: row.id,
    userId: row.user_id,
    coins: row.coins,
    reason: row.reason,
    status: statusOf(row),
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    note: row.decision_note,
    transferId: row.transfer_id,
  });

  async function row(grantId: string): Promise<GrantRow> {
    const found = await kysely.selectFrom('goodwill_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!found) throw DomainError.notFound('goodwill_grant_not_found', `No goodwill grant ${grantId}.`);
    return found;
  }

  /** The coins move: from the promotions account to the user's wallet, keyed by the grant, so a retry or a repair moves them once. */
  async function credit(grant: GrantRow): Promise<GrantRow> {
    const transfer = await ledger.submit({
      type: 'posted',
      idempotencyKey: `goodwill:${grant.id}`,
      legs: [
        { accountId: platformAccountId('promotions', COIN), asset: COIN, direction: 'debit', amount: grant.coins },
        { accountId: userCoinWalletId(grant.user_id), asset: COIN, direction: 'credit', amount: grant.coins },
      ],
      metadata: { kind: GOODWILL_KIND, grantId: grant.id, userId: grant.user_id, proposedBy: grant.proposed_by, approvedBy: grant.decided_by },
      outbox: [{ topic: 'webhook', payload: { event: 'goodwill.granted', data: grantJson(view({ ...grant, status: 'approved' })) } }],
    });
    await kysely.updateTable('goodwill_grants').set({ transfer_id: transfer.id }).where('id', '=', grant.id).where('transfer_id', 'is', null).execute();
    if (!transfer.replayed) {
      await accounts.recordActivity(grant.user_id, 'goodwill_granted', { grantId: grant.id, coins: Number(grant.coins), reason: grant.reason, transferId: transfer.id });
    }
    return { ...grant, transfer_id: transfer.id };
  }

  /** Why `adminId` may not decide this grant, checked before and after the decision is taken. */
  function refuseOwn(adminId: string, grant: GrantRow): void {
    if (grant.proposed_by === adminId) throw DomainError.forbidden('second_admin_required', 'A goodwill grant needs a second admin: another admin than its proposer approves or rejects it.');
    if (grant.user_id === adminId) throw DomainError.forbidden('own_goodwill_grant', 'An admin cannot decide a goodwill grant to themselves.');
  }

  function notPending(grant: GrantRow): DomainError {
    return DomainError.conflict('goodwill_grant_not_pending', `This goodwill grant is ${statusOf(grant)}; only a pending grant can be decided.`);
  }

  /** Moves a pending, unexpired grant to `status` for `adminId`; at most one decision wins, on either engine. */
  async function decide(adminId: string, grantId: string, status: 'approved' | 'rejected', note: string | null): Promise<GrantRow> {
    const grant = await row(grantId);
    refuseOwn(adminId, grant);
    const at = now().toISOString();
    const decided = await kysely
      .updateTable('goodwill_grants')
      .set({ status, decided_by: adminId, decided_at: at, decision_note: note })
      .where('id', '=', grantId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', at)
      .where('proposed_by', '!=', adminId)
      .where('user_id', '!=', adminId)
      .executeTakeFirst();
    if (decided.numUpdatedRows !== 1n) throw notPending(await row(grantId));
    await accounts.recordActivity(adminId, status === 'approved' ? 'goodwill_approved' : 'goodwill_rejected', { grantId, userId: grant.user_id, coins: Number(grant.coins), note });
    return row(grantId);
  }

  return {
    async propose(adminId, input) {
      if (input.userId === adminId) throw DomainError.forbidden('own_goodwill_grant', 'An admin cannot propose a goodwill grant to themselves.');
      const user = await accounts.getUser(input.userId);
      if (user.closed) throw DomainError.conflict('account_closed', 'This account is closed; it cannot receive coins.');
      const at = now();
      const id = newId('gw');
      await kysely
        .insertInto('goodwill_grants')
        .values({
          id,
          user_id: input.userId,
          coins: BigInt(input.coins),
          reason: input.reason,
          proposed_by: adminId,
          idempotency_key: input.idempotencyKey,
          proposed_at: at.toISOString(),
          expires_at: new Date(at.getTime() + GOODWILL_APPROVAL_DAYS * DAY_MS).toISOString(),
          status: 'pending',
          decided_by: null,
          decided_at: null,
          decision_note: null,
          transfer_id: null,
        })
        .onConflict((oc) => oc.columns(['proposed_by', 'idempotency_key']).doNothing())
        .execute();
      const proposed = await kysely.selectFrom('goodwill_grants').selectAll().where('proposed_by', '=', adminId).where('idempotency_key', '=', input.idempotencyKey).executeTakeFirstOrThrow();
      if (proposed.user_id !== input.userId || proposed.coins !== BigInt(input.coins) || proposed.reason !== input.reason) {
        throw new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different goodwill grant; use a new key for each grant.');
      }
      if (proposed.id === id) await accounts.recordActivity(adminId, 'goodwill_proposed', { grantId: id, userId: input.userId, coins: input.coins, reason: input.reason });
      return view(proposed);
    },

    async approve(adminId, grantId) {
      let grant: GrantRow;
      try {
        grant = await decide(adminId, grantId, 'approved', null);
      } catch (error) {
        // This admin's approval won before (a retry, a double click, a crash before the coins moved): finish it, once.
        const current = await row(grantId);
        if (!(current.status === 'approved' && current.decided_by === adminId)) throw error;
        grant = current;
      }
      return view(await credit(grant));
    },

    async reject(adminId, grantId, note) {
      return view(await decide(adminId, grantId, 'rejected', note));
    },

    async get(grantId) {
      return view(await row(grantId));
    },

    async list(query) {
      let select = kysely.selectFrom('goodwill_grants').selectAll();
      const at = now().toISOString();
      if (query.status === 'pending') select = select.where('status', '=', 'pending').where('expires_at', '>', at);
      else if (query.status === 'expired') select = select.where('status', '=', 'pending').where('expires_at', '<=', at);
      else if (query.status !== undefined) select = select.where('status', '=', query.status);
      const { rows, more } = await newestFirstPage(select, 'proposed_at', query.cursor === undefined ? undefined : cursorValue(query.cursor), query.limit);
      const last = rows.at(-1);
      return { grants: rows.map(view), nextCursor: more && last ? Buffer.from(`${last.proposed_at}|${last.id}`).toString('base64url') : null };
    },

    async repair() {
      const unmade = await kysely.selectFrom('goodwill_grants').selectAll().where('status', '=', 'approved').where('transfer_id', 'is', null).execute();
      return repairEach(unmade, (grant) => grant.id, credit);
    },
  };
}

function cursorValue(cursor: string): { time: string; id: string } {
  const [time, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (time === undefined || id === undefined || rest.length > 0 || !id.startsWith('gw_')) {
    throw DomainError.invalidField('cursor', 'invalid_cursor', 'cursor must be the nextCursor of a previous page; leave it out to start from the newest.');
  }
  return { time, id };
}

/** The grant as the API and the `goodwill.granted` webhook show it. */
export function grantJson(grant: GoodwillGrant) {
  return { ...grant, coins: Number(grant.coins) };
}
