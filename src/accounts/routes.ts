import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config/index.js';
import { authRoutes } from './auth-routes.js';
import type { Accounts } from './index.js';
import { meRoutes } from './me-routes.js';
import { profileRoutes } from './profile-routes.js';

export interface AccountRoutesOptions {
  accounts: Accounts;
  config: Pick<Config, 'publicUrl'>;
  /** What other domains keep about a user (orders, payouts, identity checks), added to the data export under these names. */
  exportSections?: Readonly<Record<string, (userId: string) => Promise<unknown>>>;
}

/** Sign-up, sign-in, sessions, two-factor, everything under /me, profiles and follows. */
export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, options) => {
  await app.register(authRoutes, options);
  await app.register(meRoutes, options);
  await app.register(profileRoutes, options);
};
