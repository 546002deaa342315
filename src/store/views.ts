/**
 * The store's catalog as the API answers it: the domain's types (catalog.ts) are these schemas' static types,
 * so the shape the routes declare (and the OpenAPI document shows) is the one the code builds.
 */
import { Type } from 'typebox';

export const ChannelSchema = Type.Union([Type.Literal('web'), Type.Literal('app')], { description: 'web (the web store) or app (in-app purchase, priced higher to cover the app store fee).' });

export const MoneySchema = Type.Object(
  {
    amount: Type.Integer({ description: "In the currency's minor unit: 499 USD is $4.99; 160 JPY is ¥160." }),
    currency: Type.String({ description: 'ISO 4217 code.' }),
  },
  { description: 'An amount of money.' },
);

/** A custom (any-amount) purchase, priced. */
export const CustomOfferSchema = Type.Object({ coins: Type.Integer(), price: MoneySchema });

export const CustomPricingSchema = Type.Object(
  {
    minCoins: Type.Integer(),
    maxCoins: Type.Integer(),
    pricePerCoinMicros: Type.Integer({
      description:
        "Price of one coin in millionths of the currency's major unit (10500 USD is $0.0105). A purchase of n coins costs ceil(n × micros × 10^minorDigits / 10^6) minor units; GET /api/v1/store/custom-price quotes it.",
    }),
    currency: Type.String(),
  },
  { description: 'Any number of coins from minCoins to maxCoins may be bought on the web.' },
);

export const PackageSchema = Type.Object({
  id: Type.String(),
  channel: ChannelSchema,
  coins: Type.Integer(),
  bonusCoins: Type.Integer(),
  sortOrder: Type.Integer({ description: 'Orders packages with the same number of coins.' }),
  enabled: Type.Boolean(),
  prices: Type.Record(Type.String(), Type.Integer(), { description: 'Minor units by ISO 4217 code.' }),
  missingCurrencies: Type.Array(Type.String(), { description: 'Store currencies without a price: the package is not shown to buyers paying in them.' }),
  createdAt: Type.String(),
});

export const PromotionKindSchema = Type.Union([Type.Literal('first_purchase'), Type.Literal('seasonal')]);
export const PromotionSchema = Type.Object({
  id: Type.String(),
  kind: PromotionKindSchema,
  bonusPercent: Type.Integer(),
  startsAt: Type.Union([Type.String(), Type.Null()]),
  endsAt: Type.Union([Type.String(), Type.Null()]),
  regions: Type.Array(Type.String(), { description: 'Regions the promotion applies in; empty for all.' }),
  maxUsesPerUser: Type.Union([Type.Integer(), Type.Null()]),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
});
