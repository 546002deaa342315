// Writes the room socket's messages as JSON Schemas (client/room-protocol.schema.json) from their TypeBox
// schemas (src/live/protocol-schemas.ts), for clients that validate messages or generate code from them.
//
//   npx tsx scripts/emit-room-protocol.ts           rewrite the file (npm run build:client does)
//   npx tsx scripts/emit-room-protocol.ts --check   exit 1 when the file differs from what the schemas give (npm run lint)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClientMessageSchema, ServerMessageSchema } from '../src/live/protocol-schemas.js';

const FILE = fileURLToPath(new URL('../client/room-protocol.schema.json', import.meta.url));

const document = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Ovation room socket protocol',
  description:
    'The messages of a live room socket (/api/v1/lives/{id}/ws) and of the stream overlay socket, one JSON text frame each (docs/live-protocol.md). $defs.ServerMessage is every message the server sends; $defs.ClientMessage every message a client may send. Written by scripts/emit-room-protocol.ts from src/live/protocol-schemas.ts: do not edit.',
  $defs: { ServerMessage: ServerMessageSchema, ClientMessage: ClientMessageSchema },
};
const text = `${JSON.stringify(document, null, 2)}\n`;

let current = '';
try {
  current = readFileSync(FILE, 'utf8');
} catch {
  // A missing file differs.
}
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error('emit-room-protocol: client/room-protocol.schema.json is not what src/live/protocol-schemas.ts gives; run `npx tsx scripts/emit-room-protocol.ts`');
    process.exit(1);
  }
} else if (current !== text) {
  writeFileSync(FILE, text);
  console.log('emit-room-protocol: wrote client/room-protocol.schema.json');
}
