import { sql } from 'kysely';
import { transferMetadataField, transferSeqOfColumn, type AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/** The audit's order checks: every paid order was credited exactly once, by a transfer that names it and books its tax. */
export const paymentAuditChecks: AuditCheck[] = [
  {
    name: 'every paid order was credited exactly once',
    async run(db) {
      const credits = await rowsOf(
        db,
        sql<{ order_id: string | null; credits: bigint }>`
          SELECT c.order_id, COUNT(*) AS credits FROM (
            SELECT ${transferMetadataField(db, 't', 'orderId')} AS order_id FROM ledger_transfers t WHERE ${transferMetadataField(db, 't', 'kind')} = 'coin_purchase'
          ) c
          GROUP BY c.order_id`,
      );
      const uncredited = await rowsOf(
        db,
        sql<{ id: string; status: string; credit_transfer_id: string | null }>`
          SELECT o.id, o.status, o.credit_transfer_id FROM orders o
          LEFT JOIN ledger_transfers t ON t.seq = ${transferSeqOfColumn('o.credit_transfer_id')}
          WHERE (o.status IN ('succeeded', 'disputed', 'refunded') AND o.credit_transfer_id IS NULL)
             OR (o.credit_transfer_id IS NOT NULL AND (t.seq IS NULL OR ${transferMetadataField(db, 't', 'orderId')} <> o.id))`,
      );
      return [
        ...credits.filter((credit) => Number(credit.credits) > 1).map((credit) => `order ${credit.order_id} was credited ${credit.credits} times`),
        ...uncredited.map((order) =>
          order.credit_transfer_id === null
            ? `order ${order.id} is ${order.status} but its coins were never credited`
            : `order ${order.id} names credit transfer ${order.credit_transfer_id}, which is missing or credits another order`,
        ),
      ];
    },
  },
  {
    name: "every paid order's credit booked the order's tax to tax payable",
    async run(db) {
      const mismatched = await rowsOf(
        db,
        sql<{ id: string; tax_minor: bigint; booked: bigint }>`
          SELECT o.id, o.tax_minor, COALESCE(SUM(e.amount), 0) AS booked FROM orders o
          LEFT JOIN ledger_entries e ON e.transfer_seq = ${transferSeqOfColumn('o.credit_transfer_id')} AND e.account_id LIKE 'platform:tax_payable:%'
          WHERE o.credit_transfer_id IS NOT NULL
          GROUP BY o.id, o.tax_minor
          HAVING COALESCE(SUM(e.amount), 0) <> o.tax_minor`,
      );
      return mismatched.map((order) => `order ${order.id} has ${order.tax_minor} tax but its credit booked ${order.booked} to tax payable`);
    },
  },
];
