import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import { createSharedCache, type Bus } from '../bus/index.js';
import { writeTransaction, type Database, type Schema } from '../db/index.js';
import type { Lives } from '../live/index.js';
import { ROOM_TOPIC_PREFIX, type OutboxRelay } from '../outbox/index.js';
import { DomainError } from '../shared/errors.js';

/** Guests a live may have on stage at once, besides its host. */
export const MAX_GUESTS = 8;

/** A creator on a live's stage, as the room and the API show them. */
export interface StageMember {
  userId: string;
  handle: string;
  displayName: string;
}

export interface Stage {
  liveId: string;
  host: StageMember;
  guests: StageMember[];
}

export interface GuestInvitation {
  liveId: string;
  guestId: string;
  status: 'invited' | 'on_stage' | 'left';
  invitedAt: string;
  joinedAt: string | null;
  leftAt: string | null;
}

export interface GuestsDependencies {
  db: Database;
  lives: Pick<Lives, 'requireLive'>;
  accounts: Pick<Accounts, 'assertCapability' | 'getUser'>;
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  bus: Bus;
  logger: Logger;
  now: () => Date;
}

export interface Guests {
  /** The live's host invites a creator on stage. 403 not_your_live for anyone else; 409 live_ended. Inviting again after they left invites them anew. */
  invite(liveId: string, hostId: string, guestId: string): Promise<GuestInvitation>;
  /** The invited creator steps on stage: 404 no_invitation unless invited; 409 stage_full past MAX_GUESTS, decided in one write. */
  accept(liveId: string, guestId: string): Promise<GuestInvitation>;
  /** A guest leaves the stage, or the host takes them off it. */
  leave(liveId: string, guestId: string, byId: string): Promise<GuestInvitation>;
  /** Who is on the live's stage now. */
  stageOf(liveId: string): Promise<Stage>;
  /** Refuses (404 not_on_stage) unless the user is a guest on the live's stage now; from memory, dropped in every process when the stage changes. */
  requireOnStage(liveId: string, userId: string): Promise<void>;
  close(): Promise<void>;
}

/** How long a process takes a stage as it knew it without hearing of a change: bounds a change lost on the bus. */
const CACHED_STAGE_TTL_MS = 5_000;

/**
 * Guests on a live's stage: creators the host invites, who accept. A viewer may gift any of them; the
 * gift pays the guest. The cap holds across processes: accepting moves the live's `live_stages` row
 * only while it is under the cap, in the transaction that puts the guest on stage.
 */
export function createGuests(deps: GuestsDependencies): Guests {
  const { db, lives, accounts, events, now } = deps;
  const kysely = db.kysely;
  const onStage = createSharedCache({
    bus: deps.bus,
    topic: 'stage:changed',
    load: async (liveId) => new Set((await kysely.selectFrom('live_guests').select('guest_id').where('live_id', '=', liveId).where('status', '=', 'on_stage').execute()).map((row) => row.guest_id)),
    ttlMs: CACHED_STAGE_TTL_MS,
    maxEntries: 100_000,
    logger: deps.logger,
  });

  const view = (row: Schema['live_guests']): GuestInvitation => ({
    liveId: row.live_id,
    guestId: row.guest_id,
    status: row.status as GuestInvitation['status'],
    invitedAt: row.invited_at,
    joinedAt: row.joined_at,
    leftAt: row.left_at,
  });

  async function member(userId: string): Promise<StageMember> {
    const user = await accounts.getUser(userId);
    return { userId: user.id, handle: user.handle, displayName: user.displayName };
  }

  async function stageOf(liveId: string): Promise<Stage> {
    const live = await lives.requireLive(liveId);
    const rows = await kysely.selectFrom('live_guests').select('guest_id').where('live_id', '=', liveId).where('status', '=', 'on_stage').orderBy('joined_at').execute();
    return { liveId, host: await member(live.creatorId), guests: await Promise.all(rows.map((row) => member(row.guest_id))) };
  }

  /** Changes the stage with the room's `stage` event, then drops the stage from every process's memory. */
  async function changeStage(liveId: string, change: (trx: Kysely<Schema>) => Promise<Schema['live_guests'] | undefined>): Promise<Schema['live_guests'] | undefined> {
    const { row, messages } = await writeTransaction(db, async (trx) => {
      const changed = await change(trx);
      if (!changed) return { row: undefined, messages: [] };
      const guests = await trx.selectFrom('live_guests').select('guest_id').where('live_id', '=', liveId).where('status', '=', 'on_stage').orderBy('joined_at').execute();
      return { row: changed, messages: await events.append(trx, [{ topic: `${ROOM_TOPIC_PREFIX}${liveId}`, payload: { type: 'stage', guestIds: guests.map((guest) => guest.guest_id) } }]) };
    });
    events.committed(messages);
    await onStage.invalidate(liveId);
    return row;
  }

  async function invitationOf(liveId: string, guestId: string) {
    return kysely.selectFrom('live_guests').selectAll().where('live_id', '=', liveId).where('guest_id', '=', guestId).executeTakeFirst();
  }

  return {
    async invite(liveId, hostId, guestId) {
      const live = await lives.requireLive(liveId);
      if (live.creatorId !== hostId) throw DomainError.forbidden('not_your_live', `The live ${liveId} belongs to another creator.`);
      if (guestId === hostId) throw DomainError.invalidField('userId', 'cannot_invite_yourself', 'You are on your own stage already.');
      try {
        await accounts.assertCapability(guestId, 'go_live');
      } catch (error) {
        if (error instanceof DomainError && error.kind !== 'not_found') throw DomainError.invalidField('userId', 'not_a_creator', 'Only creators who may go live can be invited on stage.');
        throw error;
      }
      const at = now().toISOString();
      await writeTransaction(db, async (trx) => {
        await trx
          .insertInto('live_stages')
          .values({ live_id: liveId, guests: 0n })
          .onConflict((oc) => oc.column('live_id').doNothing())
          .execute();
        // Invited again after leaving: a new invitation. One on stage or invited stays as it is.
        await trx
          .insertInto('live_guests')
          .values({ live_id: liveId, guest_id: guestId, status: 'invited', invited_at: at, joined_at: null, left_at: null })
          .onConflict((oc) => oc.columns(['live_id', 'guest_id']).doUpdateSet({ status: 'invited', invited_at: at, joined_at: null, left_at: null }).where('live_guests.status', '=', 'left'))
          .execute();
      });
      return view((await invitationOf(liveId, guestId))!);
    },

    async accept(liveId, guestId) {
      await lives.requireLive(liveId);
      const invitation = await invitationOf(liveId, guestId);
      if (!invitation || invitation.status === 'left') throw DomainError.notFound('no_invitation', `You have no invitation to the stage of ${liveId}.`);
      if (invitation.status === 'on_stage') return view(invitation);
      const at = now().toISOString();
      const joined = await changeStage(liveId, async (trx) => {
        const moved = await trx
          .updateTable('live_guests')
          .set({ status: 'on_stage', joined_at: at })
          .where('live_id', '=', liveId)
          .where('guest_id', '=', guestId)
          .where('status', '=', 'invited')
          .returningAll()
          .executeTakeFirst();
        if (!moved) return undefined;
        // The stage's count holds the cap: concurrent accepts wait for one another on its row.
        const counted = await trx
          .updateTable('live_stages')
          .set((eb) => ({ guests: eb('guests', '+', 1n) }))
          .where('live_id', '=', liveId)
          .where('guests', '<', BigInt(MAX_GUESTS))
          .executeTakeFirst();
        if (counted.numUpdatedRows === 0n) throw DomainError.conflict('stage_full', `A live has at most ${MAX_GUESTS} guests on stage; one must leave first.`);
        return moved;
      });
      return view(joined ?? (await invitationOf(liveId, guestId))!);
    },

    async leave(liveId, guestId, byId) {
      const invitation = await invitationOf(liveId, guestId);
      if (!invitation) throw DomainError.notFound('not_on_stage', `${guestId} is not on the stage of ${liveId}.`);
      if (byId !== guestId) {
        const live = await lives.requireLive(liveId);
        if (live.creatorId !== byId) throw DomainError.forbidden('not_your_live', `Only the guest or the host of ${liveId} takes a guest off its stage.`);
      }
      const at = now().toISOString();
      const left = await changeStage(liveId, async (trx) => {
        // Decided on the row as the transaction finds it: a guest who was on stage gives their place back.
        for (const from of ['on_stage', 'invited']) {
          const moved = await trx
            .updateTable('live_guests')
            .set({ status: 'left', left_at: at })
            .where('live_id', '=', liveId)
            .where('guest_id', '=', guestId)
            .where('status', '=', from)
            .returningAll()
            .executeTakeFirst();
          if (!moved) continue;
          if (from === 'on_stage')
            await trx
              .updateTable('live_stages')
              .set((eb) => ({ guests: eb('guests', '-', 1n) }))
              .where('live_id', '=', liveId)
              .execute();
          return moved;
        }
        return undefined;
      });
      return view(left ?? (await invitationOf(liveId, guestId))!);
    },

    stageOf,

    async requireOnStage(liveId, userId) {
      if (!(await onStage.get(liveId)).has(userId)) throw DomainError.notFound('not_on_stage', `${userId} is neither the host nor a guest on the stage of ${liveId}.`);
    },

    close: () => onStage.close(),
  };
}
