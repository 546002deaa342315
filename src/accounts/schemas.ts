import { Type } from 'typebox';
import { PASSWORD_MAX_LENGTH } from './passwords.js';
import { HANDLE_PATTERN } from './registration.js';

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'An email address.' });
/** Long enough for any passphrase; the strength check says what is too short. */
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
export const DisplayName = Type.String({ minLength: 1, maxLength: 50 });
export const Handle = Type.String({ pattern: HANDLE_PATTERN, description: '3 to 24 lower-case letters, digits and underscores, starting with a letter.' });
export const Region = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 region code, such as US or KR.' });
export const BirthDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Date of birth, YYYY-MM-DD.' });
export const Reason = Type.String({ minLength: 1, maxLength: 1000 });
export const Token = Type.String({ minLength: 1, maxLength: 200 });

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('creator'), Type.Literal('admin')]);
export const RestrictionKindSchema = Type.Union([Type.Literal('spending'), Type.Literal('gifting'), Type.Literal('live'), Type.Literal('cashout')]);
export const RestrictionSchema = Type.Object({ kind: RestrictionKindSchema, reason: Type.String(), since: Type.String() });

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    emailVerified: Type.Boolean(),
    handle: Type.String(),
    displayName: Type.String(),
    region: Type.String(),
    birthDate: Type.Union([Type.String(), Type.Null()]),
    isAdult: Type.Boolean({ description: 'Adults in their region may buy coins, send and receive gifts and go live.' }),
    roles: Type.Array(RoleSchema),
    twoFactorEnabled: Type.Boolean(),
    creatorApplication: Type.Union([Type.Object({ status: Type.String(), reason: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
    restrictions: Type.Array(RestrictionSchema),
    closed: Type.Boolean(),
    createdAt: Type.String(),
  },
  { description: 'A user account as its owner and admins see it.' },
);

export const UserEnvelope = Type.Object({ user: UserSchema });
export const LoginResultSchema = Type.Object({ token: Type.String(), csrfToken: Type.String(), expiresAt: Type.String(), user: UserSchema });

export const SessionSchema = Type.Object({
  id: Type.String(),
  ip: Type.String(),
  userAgent: Type.String(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  /** True for the session making the request. */
  current: Type.Boolean(),
});

export const ProfileSchema = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  displayName: Type.String(),
  isCreator: Type.Boolean(),
  followers: Type.Integer(),
  following: Type.Boolean(),
});

export const ActivityPageSchema = Type.Object({
  activity: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      ip: Type.Union([Type.String(), Type.Null()]),
      userAgent: Type.Union([Type.String(), Type.Null()]),
      detail: Type.Record(Type.String(), Type.Unknown()),
      createdAt: Type.String(),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ActivityQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ pattern: '^\\d{1,19}$', description: 'nextCursor of the previous page.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const CaseSchema = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  kind: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  description: Type.String(),
  resolution: Type.Union([Type.String(), Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
});

export const Ok = Type.Object({ ok: Type.Literal(true) });
