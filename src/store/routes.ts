import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type Access } from '../accounts/index.js';
import type { Catalog, SalesChannel } from './catalog.js';
import { ChannelSchema, CustomOfferSchema, CustomPricingSchema, MoneySchema, PackageSchema, PromotionKindSchema, PromotionSchema } from './views.js';

export interface StoreRoutesOptions {
  catalog: Catalog;
  /**
   * Region assumed when a request names none. Default 'US'. The routes cannot load the signed-in
   * user, so clients should send the user's `region` (from GET /api/v1/me); wire DEFAULT_REGION here.
   */
  defaultRegion?: string;
}

/** The access rule of every route below, to merge into ROUTE_ACCESS (src/server/access.ts). */
export const STORE_ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  'GET /api/v1/store/packages': 'public',
  'GET /api/v1/store/custom-price': 'public',
  'GET /api/v1/admin/store/packages': 'admin',
  'PUT /api/v1/admin/store/packages/:id': 'admin',
  'POST /api/v1/admin/store/packages/:id/enabled': 'admin',
  'GET /api/v1/admin/store/promotions': 'admin',
  'PUT /api/v1/admin/store/promotions/:id': 'admin',
};

const strict = { additionalProperties: false } as const;

const RegionSchema = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 region code of the buyer, such as US or DE; it decides the currency.' });
const OfferSchema = Type.Object({
  id: Type.String(),
  coins: Type.Integer({ description: 'Coins the package buys.' }),
  bonusCoins: Type.Integer({ description: 'Extra coins included in the package.' }),
  price: MoneySchema,
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Instant = Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'ISO 8601 instant with a zone, such as 2026-12-01T00:00:00Z, or a date (00:00 UTC); null clears it.' });

/** The coin store's catalog: packages and custom amounts for buyers, and the admin tools that manage them. */
export const storeRoutes: FastifyPluginAsyncTypebox<StoreRoutesOptions> = async (app, { catalog, defaultRegion = 'US' }) => {
  app.get(
    '/api/v1/store/packages',
    {
      schema: {
        tags: ['store'],
        summary: "Coin packages on sale, priced in the region's currency",
        description:
          "Without `region`, prices are for the operator's default region (US unless configured); send the signed-in user's region from GET /api/v1/me. " +
          '`channel` is web (default) or app. `custom` describes any-amount purchases, offered on the web only.',
        querystring: Type.Object({ region: Type.Optional(RegionSchema), channel: Type.Optional(ChannelSchema) }, strict),
        response: {
          200: Type.Object({
            packages: Type.Array(OfferSchema),
            region: Type.String(),
            channel: ChannelSchema,
            currency: Type.String(),
            custom: Type.Union([CustomPricingSchema, Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const region = (request.query.region ?? defaultRegion).toUpperCase();
      const channel: SalesChannel = request.query.channel ?? 'web';
      const packages = await catalog.listPackages(region, channel);
      return { packages, region, channel, currency: catalog.currencyForRegion(region), custom: catalog.customPricing(region, channel) };
    },
  );

  app.get(
    '/api/v1/store/custom-price',
    {
      schema: {
        tags: ['store'],
        summary: 'The price of a custom number of coins on the web',
        querystring: Type.Object({ customCoins: Type.Integer({ description: 'Coins to buy.' }), region: Type.Optional(RegionSchema) }, strict),
        response: { 200: CustomOfferSchema },
      },
    },
    async (request) => catalog.priceCustom(request.query.customCoins, request.query.region ?? defaultRegion),
  );

  app.get(
    '/api/v1/admin/store/packages',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every coin package, enabled or not, with all its prices',
        response: { 200: Type.Object({ packages: Type.Array(PackageSchema) }) },
      },
    },
    async () => ({ packages: await catalog.listAllPackages() }),
  );

  app.put(
    '/api/v1/admin/store/packages/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a coin package, or change the fields given',
        description:
          'Creating needs `channel`, `coins` and a price in every store currency. An update changes only the fields sent; ' +
          "`prices` adds or replaces the currencies given. A package's channel cannot change. Answers 201 on creation.",
        params: IdParams,
        body: Type.Object(
          {
            channel: Type.Optional(ChannelSchema),
            coins: Type.Optional(Type.Integer({ description: 'Coins the package buys, at least 1.' })),
            bonusCoins: Type.Optional(Type.Integer({ description: 'Extra coins included, 0 or more.' })),
            sortOrder: Type.Optional(Type.Integer()),
            enabled: Type.Optional(Type.Boolean()),
            prices: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'Minor units by ISO 4217 code, such as { "USD": 499, "JPY": 800 }.' })),
          },
          strict,
        ),
        response: { 200: Type.Object({ package: PackageSchema }), 201: Type.Object({ package: PackageSchema }) },
      },
    },
    async (request, reply) => {
      const result = await catalog.upsertPackage({ id: request.params.id, ...request.body });
      return reply.code(result.created ? 201 : 200).send({ package: result.package });
    },
  );

  app.post(
    '/api/v1/admin/store/packages/:id/enabled',
    {
      schema: {
        tags: ['admin'],
        summary: 'Put a coin package on sale, or take it off sale',
        params: IdParams,
        body: Type.Object({ enabled: Type.Boolean() }, strict),
        response: { 200: Type.Object({ package: PackageSchema }) },
      },
    },
    async (request) => ({ package: await catalog.setPackageEnabled(request.params.id, request.body.enabled) }),
  );

  app.get(
    '/api/v1/admin/store/promotions',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every store promotion',
        response: { 200: Type.Object({ promotions: Type.Array(PromotionSchema) }) },
      },
    },
    async () => ({ promotions: await catalog.listPromotions() }),
  );

  app.put(
    '/api/v1/admin/store/promotions/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a store promotion, or change the fields given',
        description:
          'Creating needs `kind` and `bonusPercent` (1 to 500); a seasonal promotion also needs `startsAt` and `endsAt`. ' +
          "An update changes only the fields sent; a promotion's kind cannot change. Answers 201 on creation.",
        params: IdParams,
        body: Type.Object(
          {
            kind: Type.Optional(PromotionKindSchema),
            bonusPercent: Type.Optional(Type.Integer({ description: 'Bonus coins as a percentage of the coins bought, rounded down.' })),
            startsAt: Type.Optional(Instant),
            endsAt: Type.Optional(Instant),
            regions: Type.Optional(Type.Array(Type.String({ maxLength: 8 }), { maxItems: 300, description: 'Region codes; empty for every region.' })),
            maxUsesPerUser: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'Times one user may receive it; null for no limit.' })),
            enabled: Type.Optional(Type.Boolean()),
          },
          strict,
        ),
        response: { 200: Type.Object({ promotion: PromotionSchema }), 201: Type.Object({ promotion: PromotionSchema }) },
      },
    },
    async (request, reply) => {
      const result = await catalog.upsertPromotion({ id: request.params.id, ...request.body });
      return reply.code(result.created ? 201 : 200).send({ promotion: result.promotion });
    },
  );
};
