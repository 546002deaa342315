import { sql, type Kysely, type Migration } from 'kysely';
import { addSequenceColumn, type Engine } from '../db/index.js';
import { authorizationVersionBump } from '../ledger/index.js';

export function accountsMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026_11_21_0002_accounts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          // Stored lower-cased, so uniqueness ignores case.
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('email_verified_at', 'text')
          .addColumn('handle', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          // Null only for operator accounts made by `ovation admin create` without one.
          .addColumn('birth_date', 'text')
          .addColumn('region', 'text', (c) => c.notNull())
          .addColumn('is_creator', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('is_admin', 'bigint', (c) => c.notNull().defaultTo(0))
          // null | pending | approved | rejected
          .addColumn('creator_status', 'text')
          .addColumn('creator_decision_reason', 'text')
          .addColumn('totp_secret', 'text')
          .addColumn('totp_pending_secret', 'text')
          .addColumn('totp_enabled_at', 'text')
          // The last TOTP time step accepted, so a code is never accepted twice.
          .addColumn('totp_last_step', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('failed_logins', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('lockouts', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('locked_until', 'text')
          .addColumn('closed_at', 'text')
          // Balances forfeited at closure and the transfer that moved them (null until it committed).
          .addColumn('closure_coins', 'bigint')
          .addColumn('closure_diamonds', 'bigint')
          .addColumn('closure_transfer_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('csrf_token', 'text', (c) => c.notNull())
          .addColumn('ip', 'text', (c) => c.notNull())
          .addColumn('user_agent', 'text', (c) => c.notNull())
          // 1 when this session proved a second factor (at sign-in, or by confirming enrolment in it).
          .addColumn('two_factor', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'created_at']).execute();

        await db.schema
          .createTable('recovery_codes')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
          .execute();

        // Single-use links sent by mail: email verification and password reset.
        await db.schema
          .createTable('email_tokens')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await addSequenceColumn(db.schema.createTable('user_activity'), engine, 'seq')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('user_activity_user').on('user_activity').columns(['user_id', 'seq']).execute();

        // The restrictions in force now; lifting one deletes its row (the activity log keeps the history).
        await db.schema
          .createTable('user_restrictions')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('user_restrictions_pk', ['user_id', 'kind'])
          .execute();

        await db.schema
          .createTable('follows')
          .addColumn('follower_id', 'text', (c) => c.notNull())
          .addColumn('followee_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('follows_pk', ['followee_id', 'follower_id'])
          .execute();

        // Cases for admins, such as a user's report of unauthorized activity.
        await db.schema
          .createTable('cases')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('resolution', 'text')
          .addColumn('resolved_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('resolved_at', 'text')
          .execute();
        await db.schema.createIndex('cases_status').on('cases').columns(['status', 'created_at']).execute();
      },
    },
    '2026_12_05_0020_session_two_factor_at': {
      async up(db: Kysely<unknown>) {
        // When the session last proved a second factor (at sign-in, enrolment or a step-up), for routes that need a recent proof.
        await db.schema.alterTable('sessions').addColumn('two_factor_at', 'text').execute();
      },
    },
    '2026_12_06_0022_accounts_authorization_triggers': {
      async up(db: Kysely<unknown>) {
        // Whatever changes what a user may do moves the authorization version of their ledger accounts, in
        // the same transaction, whichever code path made the change. A payment decided on a cached view of
        // the user carries the version it read, and the ledger refuses it once the version moved.
        const changes = [
          { name: 'restriction_added', on: 'AFTER INSERT ON user_restrictions', user: 'NEW.user_id' },
          { name: 'restriction_lifted', on: 'AFTER DELETE ON user_restrictions', user: 'OLD.user_id' },
          { name: 'session_ended', on: 'AFTER UPDATE OF revoked_at ON sessions', user: 'NEW.user_id' },
          { name: 'user_changed', on: 'AFTER UPDATE OF closed_at, birth_date, region, is_creator, is_admin, totp_enabled_at ON users', user: 'NEW.id' },
        ];
        for (const change of changes) {
          if (engine === 'sqlite') {
            await sql.raw(`CREATE TRIGGER authorization_${change.name} ${change.on} FOR EACH ROW BEGIN ${authorizationVersionBump(change.user)}; END`).execute(db);
          } else {
            await sql.raw(`CREATE FUNCTION authorization_${change.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${authorizationVersionBump(change.user)}; RETURN NULL; END $$`).execute(db);
            await sql.raw(`CREATE TRIGGER authorization_${change.name} ${change.on} FOR EACH ROW EXECUTE FUNCTION authorization_${change.name}()`).execute(db);
          }
        }
      },
    },
  };
}
