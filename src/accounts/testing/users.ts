import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { TestApp } from '../../server/testing/app.js';

export const STRONG_PASSWORD = 'correct horse battery staple';

/** A birth date `years` years (and a day) before the test clock's today. */
export function birthDateYearsAgo(testApp: TestApp, years: number): string {
  const now = testApp.clock.now();
  const date = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - 1));
  return date.toISOString().slice(0, 10);
}

export interface SignedInUser {
  id: string;
  email: string;
  password: string;
  token: string;
  /** Authorization header for API calls. */
  headers: { authorization: string };
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(5).toString('hex')}@example.com`;
}

/** Signs up through the API (an adult in the US unless told otherwise) and signs in. */
export async function signUpAndLogIn(testApp: TestApp, options: { email?: string; password?: string; displayName?: string; ageYears?: number; region?: string } = {}): Promise<SignedInUser> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? STRONG_PASSWORD;
  const signup = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: {
      email,
      password,
      displayName: options.displayName ?? 'Test Viewer',
      birthDate: birthDateYearsAgo(testApp, options.ageYears ?? 30),
      region: options.region ?? 'US',
    },
  });
  assert.equal(signup.statusCode, 201, signup.body);
  return logIn(testApp, email, password, signup.json().user.id);
}

export async function logIn(testApp: TestApp, email: string, password: string, id: string, extra: Record<string, string> = {}): Promise<SignedInUser> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, ...extra } });
  assert.equal(response.statusCode, 200, response.body);
  const token = response.json().token as string;
  return { id, email, password, token, headers: { authorization: `Bearer ${token}` } };
}

/** The current code of a base32 TOTP secret, at the test clock's time plus `offsetSteps` periods. */
export function totpCode(testApp: TestApp, secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: testApp.clock.now().getTime() + offsetSteps * 30_000 });
}

/** Turns two-factor on through the API; answers the secret and the recovery codes. */
export async function enableTwoFactor(testApp: TestApp, user: SignedInUser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await testApp.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/setup', headers: user.headers });
  assert.equal(setup.statusCode, 200, setup.body);
  const secret = setup.json().secret as string;
  const confirm = await testApp.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/confirm', headers: user.headers, payload: { code: totpCode(testApp, secret) } });
  assert.equal(confirm.statusCode, 200, confirm.body);
  return { secret, recoveryCodes: confirm.json().recoveryCodes };
}

/** A creator: an adult who applied and was granted the role (CREATOR_APPROVAL=auto). */
export async function signUpCreator(testApp: TestApp, options: Parameters<typeof signUpAndLogIn>[1] = {}): Promise<SignedInUser> {
  const user = await signUpAndLogIn(testApp, { displayName: 'Test Creator', ...options });
  const apply = await testApp.app.inject({ method: 'POST', url: '/api/v1/creator/apply', headers: user.headers, payload: { acceptTerms: true } });
  assert.equal(apply.statusCode, 200, apply.body);
  assert.ok(apply.json().user.roles.includes('creator'));
  return user;
}

/** A creator who turned two-factor on in the session answered, so that session has proven it just now. */
export async function signUpCreatorWithTwoFactor(testApp: TestApp, options: Parameters<typeof signUpAndLogIn>[1] = {}): Promise<SignedInUser & { totpSecret: string; recoveryCodes: string[] }> {
  const creator = await signUpCreator(testApp, options);
  const { secret, recoveryCodes } = await enableTwoFactor(testApp, creator);
  return { ...creator, totpSecret: secret, recoveryCodes };
}

/**
 * Proves two-factor again in the user's session (a step-up), as adding a
 * payout method or requesting a payout needs once TWO_FACTOR_RECENT_MINUTES
 * have passed since the session last proved it. Sends the code of the next
 * time step, which no earlier proof at this clock time has used.
 */
export async function stepUp(testApp: TestApp, user: SignedInUser & { totpSecret: string }): Promise<void> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/verify', headers: user.headers, payload: { code: totpCode(testApp, user.totpSecret, 1) } });
  assert.equal(response.statusCode, 200, response.body);
}

/**
 * An admin as an operator makes one (`ovation admin create`, which enrols
 * two-factor), signed in with a code, ready for admin routes.
 */
export async function createSignedInAdmin(testApp: TestApp): Promise<SignedInUser & { totpSecret: string; recoveryCodes: string[] }> {
  const email = uniqueEmail('admin');
  const { user, twoFactor } = await testApp.accounts.createAdmin({ email, password: STRONG_PASSWORD, displayName: 'Operator' });
  assert.ok(twoFactor, 'a new admin is enrolled in two-factor');
  const signedIn = await logIn(testApp, email, STRONG_PASSWORD, user.id, { totp: totpCode(testApp, twoFactor.secret) });
  return { ...signedIn, totpSecret: twoFactor.secret, recoveryCodes: twoFactor.recoveryCodes };
}
