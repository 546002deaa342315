import type { Component } from 'svelte';

/** Who may open a page: anyone, a signed-in user, a creator, or an admin. */
export type PageAccess = 'public' | 'user' | 'creator' | 'admin';

/** A part of the app whose pages share a title and tabs. */
export interface Area {
  title: string;
  tabs: readonly { href: string; label: string }[];
  /** Who sees the tabs (the studio's are for creators; others see its application page). */
  tabsAccess: PageAccess;
}

export const AREAS = {
  account: {
    title: 'Your account',
    tabsAccess: 'user',
    tabs: [
      { href: '/account', label: 'Security' },
      { href: '/account/password', label: 'Password' },
      { href: '/account/activity', label: 'Activity' },
      { href: '/account/budget', label: 'Budget' },
      { href: '/account/privacy', label: 'Privacy and closing' },
    ],
  },
  wallet: {
    title: 'Wallet',
    tabsAccess: 'user',
    tabs: [
      { href: '/wallet', label: 'Coins' },
      { href: '/wallet/history', label: 'History' },
      { href: '/wallet/subscriptions', label: 'My subscriptions' },
      { href: '/wallet/cards', label: 'Cards' },
    ],
  },
  studio: {
    title: 'Creator studio',
    tabsAccess: 'creator',
    tabs: [
      { href: '/studio', label: 'Go live' },
      { href: '/studio/earnings', label: 'Earnings' },
      { href: '/studio/subscriptions', label: 'Subscriptions' },
      { href: '/studio/payouts', label: 'Payouts' },
      { href: '/studio/tax', label: 'Tax' },
    ],
  },
  admin: {
    title: 'Admin console',
    tabsAccess: 'admin',
    tabs: [
      { href: '/admin', label: 'Payouts' },
      { href: '/admin/users', label: 'Users' },
      { href: '/admin/orders', label: 'Orders' },
      { href: '/admin/subscriptions', label: 'Subscriptions' },
      { href: '/admin/cases', label: 'Cases' },
      { href: '/admin/identity', label: 'Identity' },
      { href: '/admin/catalog', label: 'Catalog' },
      { href: '/admin/premium', label: 'Premium' },
      { href: '/admin/diamond-values', label: 'Diamond value' },
      { href: '/admin/tax-rates', label: 'Tax rates' },
      { href: '/admin/finance', label: 'Finance' },
      { href: '/admin/goodwill', label: 'Goodwill' },
      { href: '/admin/webhooks', label: 'Webhooks' },
      { href: '/admin/audit', label: 'Ledger audit' },
    ],
  },
} as const satisfies Record<string, Area>;

export interface PageRoute {
  pattern: string;
  access: PageAccess;
  /** The area whose title and tabs the layout shows above the page. */
  area?: keyof typeof AREAS;
  /** Pages with path parameters take them as the prop `params`; others take none, hence `never` here. */
  load: () => Promise<{ default: Component<never> }>;
}

/** Every page of the app; each loads on first visit. */
export const ROUTES: readonly PageRoute[] = [
  { pattern: '/', access: 'public', load: () => import('./pages/home/Home.svelte') },
  { pattern: '/live/:id', access: 'public', load: () => import('./pages/live/LiveRoom.svelte') },
  { pattern: '/rankings', access: 'public', load: () => import('./pages/rankings/Rankings.svelte') },
  { pattern: '/creators/:handle', access: 'public', load: () => import('./pages/rankings/CreatorProfile.svelte') },
  { pattern: '/signup', access: 'public', load: () => import('./pages/account/SignUp.svelte') },
  { pattern: '/signin', access: 'public', load: () => import('./pages/account/SignIn.svelte') },
  // The links mailed by the server (PUBLIC_URL/reset-password?token=…, PUBLIC_URL/verify-email?token=…); without a token, the first asks for the address.
  { pattern: '/reset-password', access: 'public', load: () => import('./pages/account/ResetPassword.svelte') },
  { pattern: '/verify-email', access: 'public', load: () => import('./pages/account/VerifyEmail.svelte') },
  { pattern: '/studio', area: 'studio', access: 'user', load: () => import('./pages/studio/Studio.svelte') },
  { pattern: '/studio/earnings', area: 'studio', access: 'creator', load: () => import('./pages/studio/Earnings.svelte') },
  { pattern: '/studio/payouts', area: 'studio', access: 'creator', load: () => import('./pages/studio/Payouts.svelte') },
  { pattern: '/studio/tax', area: 'studio', access: 'creator', load: () => import('./pages/studio/Tax.svelte') },
  { pattern: '/studio/subscriptions', area: 'studio', access: 'creator', load: () => import('./pages/studio/Subscriptions.svelte') },
  { pattern: '/account', area: 'account', access: 'user', load: () => import('./pages/account/Account.svelte') },
  { pattern: '/account/password', area: 'account', access: 'user', load: () => import('./pages/account/ChangePassword.svelte') },
  { pattern: '/account/activity', area: 'account', access: 'user', load: () => import('./pages/account/Activity.svelte') },
  { pattern: '/account/budget', area: 'account', access: 'user', load: () => import('./pages/account/Budget.svelte') },
  { pattern: '/account/privacy', area: 'account', access: 'user', load: () => import('./pages/account/Privacy.svelte') },
  { pattern: '/wallet', area: 'wallet', access: 'user', load: () => import('./pages/wallet/Wallet.svelte') },
  { pattern: '/wallet/history', area: 'wallet', access: 'user', load: () => import('./pages/wallet/History.svelte') },
  { pattern: '/wallet/subscriptions', area: 'wallet', access: 'user', load: () => import('./pages/wallet/Subscriptions.svelte') },
  { pattern: '/wallet/cards', area: 'wallet', access: 'user', load: () => import('./pages/wallet/Cards.svelte') },
  { pattern: '/premium', access: 'public', load: () => import('./pages/wallet/Premium.svelte') },
  { pattern: '/wallet/orders/:orderId', access: 'user', load: () => import('./pages/wallet/OrderPage.svelte') },
  // The checkout link the server puts on every order (PUBLIC_URL/checkout/:orderId).
  { pattern: '/checkout/:orderId', access: 'user', load: () => import('./pages/wallet/OrderPage.svelte') },
  { pattern: '/admin', area: 'admin', access: 'admin', load: () => import('./pages/admin/PayoutQueue.svelte') },
  { pattern: '/admin/users', area: 'admin', access: 'admin', load: () => import('./pages/admin/Users.svelte') },
  { pattern: '/admin/orders', area: 'admin', access: 'admin', load: () => import('./pages/admin/Orders.svelte') },
  { pattern: '/admin/subscriptions', area: 'admin', access: 'admin', load: () => import('./pages/admin/Subscriptions.svelte') },
  { pattern: '/admin/cases', area: 'admin', access: 'admin', load: () => import('./pages/admin/Cases.svelte') },
  { pattern: '/admin/identity', area: 'admin', access: 'admin', load: () => import('./pages/admin/IdentityChecks.svelte') },
  { pattern: '/admin/catalog', area: 'admin', access: 'admin', load: () => import('./pages/admin/Catalog.svelte') },
  { pattern: '/admin/premium', area: 'admin', access: 'admin', load: () => import('./pages/admin/Premium.svelte') },
  { pattern: '/admin/diamond-values', area: 'admin', access: 'admin', load: () => import('./pages/admin/DiamondValues.svelte') },
  { pattern: '/admin/tax-rates', area: 'admin', access: 'admin', load: () => import('./pages/admin/TaxRates.svelte') },
  { pattern: '/admin/finance', area: 'admin', access: 'admin', load: () => import('./pages/admin/Finance.svelte') },
  { pattern: '/admin/goodwill', area: 'admin', access: 'admin', load: () => import('./pages/admin/Goodwill.svelte') },
  { pattern: '/admin/webhooks', area: 'admin', access: 'admin', load: () => import('./pages/admin/Webhooks.svelte') },
  { pattern: '/admin/audit', area: 'admin', access: 'admin', load: () => import('./pages/admin/Audit.svelte') },
];

export const NOT_FOUND: PageRoute = { pattern: '*', access: 'public', load: () => import('./pages/NotFound.svelte') };
