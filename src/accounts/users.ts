import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { Schema } from '../db/index.js';
import type { UserTable } from './schema.js';
import { DomainError } from '../shared/errors.js';
import type { AccountsContext } from './context.js';
import { isAdult } from './age.js';
import type { RestrictionKindSchema, RestrictionSchema, RoleSchema, UserSchema } from './schemas.js';

export type Role = Static<typeof RoleSchema>;
export type RestrictionKind = Static<typeof RestrictionKindSchema>;

export type UserRow = Selectable<UserTable>;

export type Restriction = Static<typeof RestrictionSchema>;

/** A user as the API shows it to the user themself and to admins. */
export type User = Static<typeof UserSchema>;

export function rolesOf(row: Pick<UserRow, 'is_creator' | 'is_admin'>): Role[] {
  const roles: Role[] = ['viewer'];
  if (row.is_creator === 1n) roles.push('creator');
  if (row.is_admin === 1n) roles.push('admin');
  return roles;
}

export function toUser(ctx: AccountsContext, row: UserRow, restrictions: Restriction[]): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified_at !== null,
    handle: row.handle,
    displayName: row.display_name,
    region: row.region,
    birthDate: row.birth_date,
    isAdult: isAdult(ctx.config.accounts, row.birth_date, row.region, ctx.now()),
    roles: rolesOf(row),
    twoFactorEnabled: row.totp_enabled_at !== null,
    creatorApplication: row.creator_status === null ? null : { status: row.creator_status, reason: row.creator_decision_reason },
    restrictions,
    closed: row.closed_at !== null,
    createdAt: row.created_at,
  };
}

export async function restrictionsOf(kysely: Kysely<Schema>, userId: string): Promise<Restriction[]> {
  const rows = await kysely.selectFrom('user_restrictions').selectAll().where('user_id', '=', userId).orderBy('kind').execute();
  return rows.map((row) => ({ kind: row.kind as RestrictionKind, reason: row.reason, since: row.created_at }));
}

async function findUserRow(kysely: Kysely<Schema>, userId: string): Promise<UserRow | undefined> {
  return kysely.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function requireUserRow(kysely: Kysely<Schema>, userId: string): Promise<UserRow> {
  const row = await findUserRow(kysely, userId);
  if (!row) throw DomainError.notFound('user_not_found', `No user has the id ${userId}.`);
  return row;
}

/** A user with their restrictions, in one statement: every payment loads its sender and creator, so one round trip instead of two. */
export async function loadUser(ctx: AccountsContext, userId: string): Promise<User> {
  const rows = await ctx.kysely
    .selectFrom('users')
    .leftJoin('user_restrictions as r', 'r.user_id', 'users.id')
    .selectAll('users')
    .select(['r.kind as restriction_kind', 'r.reason as restriction_reason', 'r.created_at as restriction_since'])
    .where('users.id', '=', userId)
    .orderBy('r.kind')
    .execute();
  if (rows.length === 0) throw DomainError.notFound('user_not_found', `No user has the id ${userId}.`);
  const restrictions = rows.flatMap((row) =>
    row.restriction_kind === null ? [] : [{ kind: row.restriction_kind as RestrictionKind, reason: row.restriction_reason!, since: row.restriction_since! }],
  );
  return toUser(ctx, rows[0]!, restrictions);
}

/** How other domains name users they list (boards, payers): by id, for the ids that exist. */
export interface UserName {
  handle: string;
  displayName: string;
  /** When the account was opened. */
  createdAt: string;
}

export async function namesOf(kysely: Kysely<Schema>, userIds: readonly string[]): Promise<Map<string, UserName>> {
  if (userIds.length === 0) return new Map();
  const rows = await kysely
    .selectFrom('users')
    .select(['id', 'handle', 'display_name', 'created_at'])
    .where('id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((row) => [row.id, { handle: row.handle, displayName: row.display_name, createdAt: row.created_at }]));
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
