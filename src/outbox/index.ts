export { ROOM_TOPIC_PREFIX, type OutboxRelay } from './relay.js';
export { outboxMigrations } from './migrations.js';
export type { OutboxSchema } from './schema.js';
