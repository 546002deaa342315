import type { OrderRecords } from './orders-records.js';

/** Where an order was paid: its sales channel (web or app) and the provider or app store that took the money. */
export interface OrderSource {
  channel: string;
  provider: string;
}

/** Where orders were paid, for reports that group the ledger's sales by channel. */
export interface OrderSources {
  /** Each of these orders' source; unknown ids are left out. */
  sourcesOf(orderIds: readonly string[]): Promise<Map<string, OrderSource>>;
}

/** Orders are looked up this many at a time, well under either engine's limit on bound parameters. */
const LOOKUP_CHUNK = 500;

export function createOrderSources(records: OrderRecords): OrderSources {
  const kysely = records.deps.db.kysely;
  return {
    async sourcesOf(orderIds) {
      const sources = new Map<string, OrderSource>();
      const ids = [...new Set(orderIds)];
      for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
        const rows = await kysely
          .selectFrom('orders')
          .select(['id', 'channel', 'provider'])
          .where('id', 'in', ids.slice(start, start + LOOKUP_CHUNK))
          .execute();
        for (const row of rows) sources.set(row.id, { channel: row.channel, provider: row.provider });
      }
      return sources;
    },
  };
}
