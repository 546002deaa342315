/**
 * The room socket's messages (docs/live-protocol.md), as the typed client declares them
 * (client/src/protocol.d.ts): the server speaks exactly what operators’ apps and the web app read.
 */
export type * from '../../client/src/protocol.js';
