import { sql, type Kysely, type Migration } from 'kysely';
import { addSequenceColumn, type Engine } from '../db/index.js';

/** Operators' webhooks: endpoints, the event ids seen, deliveries and their attempts. Runs on SQLite and PostgreSQL. */
export function webhooksMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0012_webhooks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('event_types', 'text', (c) => c.notNull())
          .addColumn('enabled', 'bigint', (c) => c.notNull().defaultTo(1))
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('previous_secret', 'text')
          .addColumn('previous_secret_expires_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addCheckConstraint('webhook_endpoints_enabled', sql`enabled in (0, 1)`)
          .execute();

        await db.schema
          .createTable('webhook_events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('enqueued_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('endpoint_id', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('failed_attempts', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text')
          .addColumn('lease_token', 'text')
          .addColumn('lease_expires_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('completed_at', 'text')
          .addCheckConstraint('webhook_deliveries_status', sql`status in ('pending', 'delivered', 'failed')`)
          // A pending delivery has a due time; a finished one has a completion time instead.
          .addCheckConstraint(
            'webhook_deliveries_schedule',
            sql`(status = 'pending' and next_attempt_at is not null and completed_at is null) or (status <> 'pending' and next_attempt_at is null and completed_at is not null)`,
          )
          .execute();
        // Enqueuing an event twice (two relays, or a retried one) delivers it once per endpoint.
        await db.schema.createIndex('webhook_deliveries_event_endpoint').unique().on('webhook_deliveries').columns(['event_id', 'endpoint_id']).execute();
        // The worker's look-up of what is due.
        await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').column('next_attempt_at').where(sql.ref('status'), '=', 'pending').execute();
        // An endpoint's delivery log, newest first.
        await db.schema.createIndex('webhook_deliveries_endpoint_created').on('webhook_deliveries').columns(['endpoint_id', 'created_at', 'id']).execute();

        await addSequenceColumn(db.schema.createTable('webhook_attempts'), engine, 'seq')
          .addColumn('delivery_id', 'text', (c) => c.notNull())
          .addColumn('attempted_at', 'text', (c) => c.notNull())
          .addColumn('status_code', 'bigint')
          .addColumn('error', 'text')
          .addColumn('duration_ms', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'seq']).execute();
      },
    },
  };
}
