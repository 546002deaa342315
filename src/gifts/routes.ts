import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GiftCatalog } from './catalog.js';
import type { CreatorTiers } from './creator-tiers.js';
import { CatalogGiftSchema, CreatorTierSchema, GiftOfferSchema, GiftStatusSchema, GiftTierSchema } from './views.js';

export interface GiftRoutesOptions {
  gifts: GiftCatalog;
  creatorTiers: CreatorTiers;
  /** The signed-in caller's region (their account's), used when a request names none. */
  regionOfUser: (userId: string) => Promise<string>;
  /** Region assumed for anonymous callers who name none: DEFAULT_REGION. */
  defaultRegion: string;
}

const strict = { additionalProperties: false } as const;

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The gift catalog: the gifts viewers can send, and the admin tools that manage them. */
export const giftRoutes: FastifyPluginAsyncTypebox<GiftRoutesOptions> = async (app, { gifts, creatorTiers, regionOfUser, defaultRegion }) => {
  app.get(
    '/api/v1/gifts',
    {
      schema: {
        tags: ['gifts'],
        summary: 'Gifts offered in a region, cheapest first',
        description: "Without `region`, the signed-in caller's region, or the operator's default region (US unless configured) for anonymous callers.",
        querystring: Type.Object({ region: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 region code of the viewer, such as US or KR.' })) }, strict),
        response: { 200: Type.Object({ gifts: Type.Array(GiftOfferSchema), region: Type.String({ description: 'The region the list is for.' }) }) },
      },
    },
    async (request) => {
      const region = (request.query.region ?? (request.principal ? await regionOfUser(request.principal.userId) : defaultRegion)).toUpperCase();
      return { gifts: await gifts.listOffered(region), region };
    },
  );

  app.get(
    '/api/v1/admin/gifts',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every gift, with its status and regions',
        response: { 200: Type.Object({ gifts: Type.Array(CatalogGiftSchema) }) },
      },
    },
    async () => ({ gifts: await gifts.listAll() }),
  );

  app.put(
    '/api/v1/admin/gifts/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a gift, or change the fields given',
        description:
          'Creating needs `name`, `coins`, `icon` and `tier`; a new gift is enabled unless `status` says otherwise. An update changes only the fields sent. ' +
          'A retired gift cannot be enabled or disabled again. A `subscribersOnly` gift is sent only by viewers with a subscription to the receiving creator. Answers 201 on creation.',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ description: '1 to 40 characters.' })),
            coins: Type.Optional(Type.Integer({ description: 'Price of one gift, in coins: 1 to 1,000,000.' })),
            icon: Type.Optional(Type.String({ description: 'An emoji, or a URL path to an image such as /gifts/rose.png; up to 200 characters.' })),
            tier: Type.Optional(GiftTierSchema),
            streakable: Type.Optional(Type.Boolean()),
            subscribersOnly: Type.Optional(Type.Boolean({ description: 'Only viewers with a subscription to the receiving creator may send it; false by default.' })),
            regions: Type.Optional(Type.Array(Type.String({ maxLength: 8 }), { maxItems: 300, description: 'Region codes; empty for every region.' })),
            sortOrder: Type.Optional(Type.Integer()),
            status: Type.Optional(GiftStatusSchema),
          },
          strict,
        ),
        response: { 200: Type.Object({ gift: CatalogGiftSchema }), 201: Type.Object({ gift: CatalogGiftSchema }) },
      },
    },
    async (request, reply) => {
      const result = await gifts.upsertGift({ id: request.params.id, ...request.body });
      return reply.code(result.created ? 201 : 200).send({ gift: result.gift });
    },
  );

  app.post(
    '/api/v1/admin/gifts/:id/status',
    {
      schema: {
        tags: ['admin'],
        summary: 'Enable, disable or retire a gift',
        description: 'Retiring is final: a retired gift is never offered again (409 gift_retired), but stays in history.',
        params: IdParams,
        body: Type.Object({ status: GiftStatusSchema }, strict),
        response: { 200: Type.Object({ gift: CatalogGiftSchema }) },
      },
    },
    async (request) => ({ gift: await gifts.setStatus(request.params.id, request.body.status) }),
  );

  app.put(
    '/api/v1/admin/creators/:id/tier',
    {
      schema: {
        tags: ['admin'],
        summary: "Set a creator's tier, which decides their share of gifts, paid messages and cheers",
        description:
          'The tier is `standard` (GIFT_DIAMOND_SHARE_PERCENT) or one of GIFT_CREATOR_TIER_SHARES; it applies to payments made from now on. ' +
          '404 user_not_found for an unknown user; 400 unknown_tier naming the configured tiers.',
        params: IdParams,
        body: Type.Object({ tier: Type.String({ maxLength: 64 }) }, strict),
        response: { 200: Type.Object({ creator: CreatorTierSchema }) },
      },
    },
    async (request) => ({ creator: await creatorTiers.setTier(request.params.id, request.body.tier) }),
  );
};
