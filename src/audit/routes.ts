import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Database } from '../db/index.js';
import { auditEverything } from './index.js';

const Sum = Type.String({ description: 'An exact integer as a decimal string: sums may pass what JSON numbers hold.' });

/** The ledger audit for the admin console: the same checks as `ovation audit`. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.post(
    '/api/v1/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'Run the ledger audit now',
        description: 'Recomputes every balance from the journal and runs every check (`ok` is true when no coin or diamond was lost or invented). Reads only; on a large ledger it takes a while.',
        response: {
          200: Type.Object({
            audit: Type.Object({
              ok: Type.Boolean(),
              accounts: Type.Integer(),
              transfers: Type.Integer(),
              totals: Type.Array(Type.Object({ asset: Type.String(), accounts: Type.Integer(), postedSum: Sum, pendingDebitsSum: Sum, pendingCreditsSum: Sum })),
              checks: Type.Array(Type.Object({ name: Type.String(), violations: Type.Array(Type.String()) })),
              ranAt: Type.String(),
            }),
          }),
        },
      },
    },
    async () => {
      const report = await auditEverything(db);
      return {
        audit: {
          ok: report.ok,
          accounts: report.accounts,
          transfers: report.transfers,
          totals: report.totals.map((total) => ({
            asset: total.asset,
            accounts: total.accounts,
            postedSum: total.postedSum.toString(),
            pendingDebitsSum: total.pendingDebitsSum.toString(),
            pendingCreditsSum: total.pendingCreditsSum.toString(),
          })),
          checks: report.checks,
          ranAt: new Date().toISOString(),
        },
      };
    },
  );
};
