import assert from 'node:assert/strict';
import type { SignedInUser } from '../../accounts/testing/users.js';
import type { TestApp } from '../../server/testing/app.js';

/** The creator offers these subscription tiers through the API. */
export async function offerTiers(t: TestApp, creator: SignedInUser, tiers: readonly Record<string, unknown>[]): Promise<void> {
  const response = await t.app.inject({ method: 'PUT', url: '/api/v1/creator/subscription-tiers', headers: creator.headers, payload: { tiers } });
  assert.equal(response.statusCode, 200, response.body);
}
