import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Live rooms. Runs on SQLite and PostgreSQL. */
export function liveMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0008_lives': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('lives')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('playback_url', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('ended_at', 'text')
          .addColumn('end_reason', 'text')
          .addColumn('creator_seen_at', 'text', (c) => c.notNull())
          .addColumn('peak_viewers', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('viewers', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addCheckConstraint('lives_status', sql`status in ('live', 'ended')`)
          // An ended live says when and why; a live one has neither.
          .addCheckConstraint(
            'lives_end',
            sql`(status = 'live' and ended_at is null and end_reason is null) or (status = 'ended' and ended_at is not null and end_reason in ('creator', 'admin', 'creator_gone'))`,
          )
          .addCheckConstraint('lives_viewers', sql`viewers >= 0 and peak_viewers >= viewers`)
          .execute();
        // The public list: by status, newest first.
        await db.schema.createIndex('lives_status_started').on('lives').columns(['status', 'started_at', 'id']).execute();
        // One live at a time per creator, enforced by the database so it holds across server processes.
        await db.schema.createIndex('lives_one_live_per_creator').unique().on('lives').column('creator_id').where(sql.ref('status'), '=', 'live').execute();
      },
    },
    '2026_11_22_0014_room_tickets_moderation': {
      async up(db: Kysely<unknown>) {
        // Short-lived, single-use: a signed-in user's pass onto a room's socket.
        await db.schema
          .createTable('room_tickets')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('live_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('room_tickets_expires').on('room_tickets').column('expires_at').execute();
        // A ban holds in every live of the creator; a mute in one live, until a time.
        await db.schema
          .createTable('room_bans')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('banned_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_bans_pk', ['creator_id', 'user_id'])
          .execute();
        await db.schema
          .createTable('room_mutes')
          .addColumn('live_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('muted_until', 'text', (c) => c.notNull())
          .addColumn('muted_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_mutes_pk', ['live_id', 'user_id'])
          .execute();
      },
    },
    '2026_12_05_0001_room_ticket_sessions': {
      async up(db: Kysely<unknown>) {
        // A socket acts for the session that asked for its ticket, and stops when that session ends.
        await db.schema.alterTable('room_tickets').addColumn('session_id', 'text').execute();
      },
    },
    '2026_12_06_0024_live_chat_mode': {
      async up(db: Kysely<unknown>) {
        // The creator's chat setting for the live: 1 while only subscribers (besides the creator and admins) may chat.
        await db.schema
          .alterTable('lives')
          .addColumn('subscribers_only_chat', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '2026_12_06_0050_stream_keys': {
      async up(db: Kysely<unknown>) {
        // One stream per creator; nginx-rtmp's callbacks find it by name.
        await db.schema
          .createTable('stream_keys')
          .addColumn('creator_id', 'text', (c) => c.primaryKey())
          .addColumn('stream_name', 'text', (c) => c.notNull().unique())
          .addColumn('key_hash', 'text')
          .addColumn('key_issued_at', 'text')
          .execute();
      },
    },
    '2026_12_06_0070_live_stream_disconnected_at': {
      async up(db: Kysely<unknown>) {
        // A stream from OBS that stopped leaves its live on for a grace period, in which the same creator's stream may come back.
        await db.schema.alterTable('lives').addColumn('stream_disconnected_at', 'text').execute();
      },
    },
  };
}
