export { ROOM_TOPIC_PREFIX, type OutboxRelay } from './relay.js';
