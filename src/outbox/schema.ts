export interface OutboxSchema {
  event_outbox: EventOutboxTable;
}

declare module '../db/schema.js' {
  interface Schema extends OutboxSchema {}
}

/** A message written in the same transaction as the change it reports, for delivery after commit. */
export interface EventOutboxTable {
  id: string;
  /** `live:<id>` (room events) or `webhook` (operators' webhooks). */
  topic: string;
  /** A JSON object. */
  payload: string;
  created_at: string;
  published_at: string | null;
}
