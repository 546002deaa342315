import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** The coin-store catalog: packages, their price per currency, and promotions. Runs on SQLite and PostgreSQL. */
export function storeMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_21_0003_store': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('coin_packages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('bonus_coins', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('sort_order', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('enabled', 'bigint', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addCheckConstraint('coin_packages_channel', sql`channel in ('web', 'app')`)
          .addCheckConstraint('coin_packages_coins', sql`coins > 0 and bonus_coins >= 0`)
          .addCheckConstraint('coin_packages_enabled', sql`enabled in (0, 1)`)
          .execute();
        await db.schema.createIndex('coin_packages_channel_coins').on('coin_packages').columns(['channel', 'coins']).execute();

        await db.schema
          .createTable('coin_package_prices')
          .addColumn('package_id', 'text', (c) => c.notNull().references('coin_packages.id'))
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('amount_minor', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('coin_package_prices_pk', ['package_id', 'currency'])
          .addCheckConstraint('coin_package_prices_amount', sql`amount_minor > 0`)
          .execute();

        await db.schema
          .createTable('store_promotions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('bonus_percent', 'bigint', (c) => c.notNull())
          .addColumn('starts_at', 'text')
          .addColumn('ends_at', 'text')
          // Comma-separated region codes; '' means every region.
          .addColumn('regions', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('max_uses_per_user', 'bigint')
          .addColumn('enabled', 'bigint', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addCheckConstraint('store_promotions_kind', sql`kind in ('first_purchase', 'seasonal')`)
          .addCheckConstraint('store_promotions_percent', sql`bonus_percent > 0`)
          .addCheckConstraint('store_promotions_enabled', sql`enabled in (0, 1)`)
          .execute();
      },
    },
    '2026_12_06_0130_tax_rates': {
      async up(db: Kysely<unknown>) {
        // Each region's tax rates over time; an order keeps the rate it was priced at.
        await db.schema
          .createTable('tax_rates')
          .addColumn('region', 'text', (c) => c.notNull())
          .addColumn('effective_from', 'text', (c) => c.notNull())
          .addColumn('rate_ppm', 'bigint', (c) => c.notNull())
          .addColumn('pricing', 'text', (c) => c.notNull())
          .addColumn('set_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('tax_rates_pk', ['region', 'effective_from'])
          .addCheckConstraint('tax_rates_rate', sql`rate_ppm >= 0 and rate_ppm < 1000000`)
          .addCheckConstraint('tax_rates_pricing', sql`pricing in ('inclusive', 'exclusive')`)
          .execute();
      },
    },
  };
}
