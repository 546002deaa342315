import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userCoinWalletId, userDiamondWalletId, type Ledger } from '../ledger/index.js';
import { principalOf } from '../server/access.js';

/** A wallet balance as a JSON number; balances beyond 2^53 would lose digits, so they are refused loudly. */
export function balanceNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`balance ${value} exceeds the JSON-safe range`);
  return Number(value);
}

export const walletRoutes: FastifyPluginAsyncTypebox<{ ledger: Ledger }> = async (app, { ledger }) => {
  app.get(
    '/api/v1/wallet',
    {
      schema: {
        tags: ['wallet'],
        summary: "The signed-in user's coins (to spend) and diamonds (earned)",
        security: [{ bearerAuth: [] }],
        response: {
          200: Type.Object({
            coins: Type.Integer({ description: 'Coins available to spend.' }),
            diamonds: Type.Integer({ description: 'Diamonds available to cash out (not held by a payout).' }),
          }),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).userId;
      const [coin, diamond] = await Promise.all([ledger.getAccount(userCoinWalletId(userId)), ledger.getAccount(userDiamondWalletId(userId))]);
      return { coins: balanceNumber(coin?.available ?? 0n), diamonds: balanceNumber(diamond?.available ?? 0n) };
    },
  );
};
