import type { Generated } from 'kysely';

/**
 * Table types of live rooms, merged into the global `Schema` (src/db/schema.ts).
 * Integers are bigint on both engines; timestamps are ISO 8601 UTC strings
 * from toISOString(), so they compare in text order.
 */
export interface LiveSchema {
  lives: LiveTable;
  room_tickets: RoomTicketTable;
  room_bans: RoomBanTable;
  room_mutes: RoomMuteTable;
  stream_keys: StreamKeyTable;
}

/** A creator's stream through the media server: its public name and the hash of its key (docs/streaming.md). */
export interface StreamKeyTable {
  creator_id: string;
  /** `s` and 16 hex characters; names the stream's HLS, stays across keys. */
  stream_name: string;
  /** SHA-256 of the key in use; null before the first is issued. */
  key_hash: string | null;
  key_issued_at: string | null;
}

declare module '../db/schema.js' {
  interface Schema extends LiveSchema {}
}

/** A signed-in user's single-use pass onto one room's socket; only the token's hash is kept. */
export interface RoomTicketTable {
  token_hash: string;
  live_id: string;
  user_id: string;
  /** viewer | creator | admin, as decided when the ticket was issued. */
  role: string;
  /** The session that asked for the ticket: the socket acts for it, and stops when it ends. Null only for tickets issued before sessions were kept. */
  session_id: string | null;
  expires_at: string;
  used_at: string | null;
}

/** A user banned from every live of a creator, until unbanned. */
export interface RoomBanTable {
  creator_id: string;
  user_id: string;
  banned_by: string;
  created_at: string;
}

/** A user who may not chat in one live until `muted_until`. */
export interface RoomMuteTable {
  live_id: string;
  user_id: string;
  muted_until: string;
  muted_by: string;
}

/** One broadcast of a creator, from going live to its end. Rows are never deleted: gifts refer to them. */
export interface LiveTable {
  /** Such as `live_3k9x…`. */
  id: string;
  creator_id: string;
  title: string;
  /** Where viewers play the stream (HLS or any http(s) URL); null when the operator's player finds it another way. */
  playback_url: string | null;
  /** live | ended; ended is final. At most one live row per creator (a partial unique index). */
  status: string;
  started_at: string;
  ended_at: string | null;
  /** creator | admin | creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live. */
  end_reason: string | null;
  /** The creator's last sign of life: going live or a heartbeat. */
  creator_seen_at: string;
  /** Most viewers the room layer reported at once. */
  peak_viewers: bigint;
  /** Viewers as last reported by the room layer; 0 once ended. */
  viewers: bigint;
  /** 1 while only subscribers to the creator (besides the creator and admins) may chat in the room. */
  subscribers_only_chat: Generated<bigint>;
  /** When the stream from OBS it plays stopped publishing, while it may come back (STREAM_RECONNECT_GRACE_SECONDS); null otherwise. */
  stream_disconnected_at: Generated<string | null>;
  created_at: string;
}
