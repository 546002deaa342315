/** The platform's premium plan as the wallet and the premium page show it (docs/subscriptions.md, "The platform's premium plan"). */
import { api, ApiError, call } from './api';
import { formatCoins, formatDate } from './format';
import { session } from './session.svelte';
import type { PremiumEntitlement, PremiumPlan } from './types';

/** The plan, or null when the server offers none (404 premium_not_offered); the signed-in user's membership, or null when signed out. */
export async function loadPremium(): Promise<{ plan: PremiumPlan | null; member: PremiumEntitlement | null }> {
  const plan = await call(api.GET('/api/v1/premium')).then(
    (answer) => answer.plan,
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    },
  );
  const member = plan && session.user ? (await call(api.GET('/api/v1/me/entitlements'))).premium : null;
  return { plan, member };
}

/** "Member until Feb 28, 2027", then whether it renews then (at `priceCoins` when known) or ends. */
export function membershipLine(member: PremiumEntitlement, priceCoins: number | undefined): { until: string; next: string; short: string } {
  const until = member.until ? `Member until ${formatDate(member.until)}` : 'Member';
  if (!member.renews) return { until, next: 'It ends then and will not renew; resume it in My subscriptions to keep it.', short: `${until} · ends then` };
  const price = priceCoins === undefined ? '' : ` for ${formatCoins(priceCoins)}`;
  return { until, next: `It renews then${price}, and every month after until you cancel.`, short: `${until} · renews every month` };
}
