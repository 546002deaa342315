import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { originOf, principalOf } from './caller.js';
import type { AccountRoutesOptions } from './routes.js';
import { ProfileSchema, UserEnvelope } from './schemas.js';

const Body = Type.Object;
const strict = { additionalProperties: false } as const;

/** Profiles and follows, and applying to be a creator. */
export const profileRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, { accounts }) => {
  app.post(
    '/api/v1/creator/apply',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Apply to become a creator (adults who accept the creator terms)',
        body: Body({ acceptTerms: Type.Boolean() }, strict),
        response: { 200: UserEnvelope },
      },
    },
    async (request) => ({ user: await accounts.applyForCreator(principalOf(request).userId, request.body.acceptTerms, originOf(request)) }),
  );

  const HandleParams = Type.Object({ handle: Type.String({ maxLength: 24 }) });
  app.get(
    '/api/v1/users/:handle',
    { schema: { tags: ['accounts'], summary: 'A public profile', params: HandleParams, response: { 200: Type.Object({ profile: ProfileSchema }) } } },
    async (request) => ({ profile: await accounts.profile(request.params.handle, request.principal?.userId) }),
  );
  app.put(
    '/api/v1/users/:handle/follow',
    { schema: { tags: ['accounts'], summary: 'Follow a user', params: HandleParams, response: { 200: Type.Object({ profile: ProfileSchema }) } } },
    async (request) => ({ profile: await accounts.follow(principalOf(request).userId, request.params.handle) }),
  );
  app.delete(
    '/api/v1/users/:handle/follow',
    { schema: { tags: ['accounts'], summary: 'Stop following a user', params: HandleParams, response: { 200: Type.Object({ profile: ProfileSchema }) } } },
    async (request) => ({ profile: await accounts.unfollow(principalOf(request).userId, request.params.handle) }),
  );
};
