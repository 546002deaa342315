import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { RoomRole } from './protocol.js';

/** How long a ticket may wait before it is used: long enough to open a socket, too short to be worth stealing. */
const TICKET_TTL_MS = 60_000;
/** Longest mute a moderator can give in one go. */
const MAX_MUTE_MINUTES = 7 * 24 * 60;

export type SignedInRole = Exclude<RoomRole, 'anonymous' | 'overlay'>;

export interface Ticket {
  ticket: string;
  expiresAt: string;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Who may be in a room and say what: single-use tickets for signed-in users,
 * bans (in every live of the creator) and mutes (in one live). Kept in the
 * database so every server process enforces the same decisions.
 */
export interface RoomAccess {
  /** A ticket for `userId` signed in with `sessionId`: the socket it opens acts for that session, and only while it lasts. */
  issueTicket(liveId: string, userId: string, sessionId: string, role: SignedInRole): Promise<Ticket>;
  /** The ticket's holder and the session it was issued to, once: a used, expired or other room's ticket answers undefined. */
  redeemTicket(liveId: string, ticket: string): Promise<{ userId: string; sessionId: string | null; role: SignedInRole } | undefined>;
  /** Whether the user is banned from the creator's lives. */
  isBanned(creatorId: string, userId: string): Promise<boolean>;
  /** Bans the user from every live of the creator; 400 cannot_moderate_creator for the creator. */
  ban(creatorId: string, userId: string, by: string): Promise<void>;
  /** Lifts the user's ban from the creator's lives. */
  unban(creatorId: string, userId: string): Promise<void>;
  /** Until when the user may not chat in the live; null when they may. */
  mutedUntil(liveId: string, userId: string): Promise<string | null>;
  /** Refuses a user who may not put text into the live: `muted` in this live, or `banned` from its creator's lives. */
  assertMayPost(liveId: string, userId: string): Promise<void>;
  /** Mutes for `minutes` from now (replacing an earlier mute); answers the end. */
  mute(live: { id: string; creatorId: string }, userId: string, minutes: number, by: string): Promise<string>;
}

export function createRoomAccess(deps: { kysely: Kysely<Schema>; now: () => Date }): RoomAccess {
  const { kysely, now } = deps;

  async function mutedUntil(liveId: string, userId: string): Promise<string | null> {
    const row = await kysely.selectFrom('room_mutes').select('muted_until').where('live_id', '=', liveId).where('user_id', '=', userId).executeTakeFirst();
    return row !== undefined && row.muted_until > now().toISOString() ? row.muted_until : null;
  }

  return {
    async issueTicket(liveId, userId, sessionId, role) {
      const at = now();
      const ticket = `rt_${randomBytes(24).toString('base64url')}`;
      const expiresAt = new Date(at.getTime() + TICKET_TTL_MS).toISOString();
      // Tickets that expired long ago go with each new one, so the table stays small without a timer.
      await kysely
        .deleteFrom('room_tickets')
        .where('expires_at', '<', new Date(at.getTime() - TICKET_TTL_MS).toISOString())
        .execute();
      await kysely
        .insertInto('room_tickets')
        .values({ token_hash: hashOf(ticket), live_id: liveId, user_id: userId, role, session_id: sessionId, expires_at: expiresAt, used_at: null })
        .execute();
      return { ticket, expiresAt };
    },

    async redeemTicket(liveId, ticket) {
      const at = now().toISOString();
      const row = await kysely
        .updateTable('room_tickets')
        .set({ used_at: at })
        .where('token_hash', '=', hashOf(ticket))
        .where('live_id', '=', liveId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .returning(['user_id', 'session_id', 'role'])
        .executeTakeFirst();
      return row && { userId: row.user_id, sessionId: row.session_id, role: row.role as SignedInRole };
    },

    async isBanned(creatorId, userId) {
      const row = await kysely.selectFrom('room_bans').select('user_id').where('creator_id', '=', creatorId).where('user_id', '=', userId).executeTakeFirst();
      return row !== undefined;
    },

    async ban(creatorId, userId, by) {
      if (userId === creatorId) throw DomainError.invalidField('userId', 'cannot_moderate_creator', 'The creator cannot be banned from their own lives.');
      await kysely
        .insertInto('room_bans')
        .values({ creator_id: creatorId, user_id: userId, banned_by: by, created_at: now().toISOString() })
        .onConflict((oc) => oc.columns(['creator_id', 'user_id']).doNothing())
        .execute();
    },

    async unban(creatorId, userId) {
      await kysely.deleteFrom('room_bans').where('creator_id', '=', creatorId).where('user_id', '=', userId).execute();
    },

    mutedUntil,

    /** Chat's codes: paid messages and cheers carry text, so they ask this too. */
    async assertMayPost(liveId, userId) {
      const until = await mutedUntil(liveId, userId);
      if (until !== null) throw mutedError(until);
      const ban = await kysely
        .selectFrom('room_bans')
        .innerJoin('lives', 'lives.creator_id', 'room_bans.creator_id')
        .select('room_bans.user_id')
        .where('lives.id', '=', liveId)
        .where('room_bans.user_id', '=', userId)
        .executeTakeFirst();
      if (ban) throw bannedError();
    },

    async mute(live, userId, minutes, by) {
      if (userId === live.creatorId) throw DomainError.invalidField('userId', 'cannot_moderate_creator', 'The creator cannot be muted in their own live.');
      if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > MAX_MUTE_MINUTES) {
        throw DomainError.invalidField('minutes', 'invalid_minutes', `A mute lasts 1 to ${MAX_MUTE_MINUTES} whole minutes.`);
      }
      const until = new Date(now().getTime() + minutes * 60_000).toISOString();
      await kysely
        .insertInto('room_mutes')
        .values({ live_id: live.id, user_id: userId, muted_until: until, muted_by: by })
        .onConflict((oc) => oc.columns(['live_id', 'user_id']).doUpdateSet({ muted_until: until, muted_by: by }))
        .execute();
      return until;
    },
  };
}

/** The refusal of a muted user's text, in chat and in paid messages and cheers alike. */
export function mutedError(until: string): DomainError {
  return DomainError.forbidden('muted', `You are muted in this live until ${until}.`);
}

/** The refusal of a banned user, joining the room or putting text into it. */
export function bannedError(): DomainError {
  return DomainError.forbidden('banned', 'You are banned from this creator’s lives.');
}
