// Writes the room socket's messages as JSON Schemas (client/room-protocol.schema.json) from their TypeBox
// schemas (src/live/protocol-schemas.ts), for clients that validate messages or generate code from them.
//
//   npx tsx scripts/emit-room-protocol.ts           rewrite the file (npm run build:client does)
//   npx tsx scripts/emit-room-protocol.ts --check   exit 1 when the file differs from what the schemas give (npm run lint)
import { fileURLToPath } from 'node:url';
import { ClientMessageSchema, ServerMessageSchema } from '../src/live/protocol-schemas.js';
import { writeOrCheck } from './generated-files.js';

const FILE = fileURLToPath(new URL('../client/room-protocol.schema.json', import.meta.url));

const document = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Ovation room socket protocol',
  description:
    'The messages of a live room socket (/api/v1/lives/{id}/ws) and of the stream overlay socket, one JSON text frame each (docs/live-protocol.md). $defs.ServerMessage is every message the server sends; $defs.ClientMessage every message a client may send. Written by scripts/emit-room-protocol.ts from src/live/protocol-schemas.ts: do not edit.',
  $defs: { ServerMessage: ServerMessageSchema, ClientMessage: ClientMessageSchema },
};
writeOrCheck(FILE, `${JSON.stringify(document, null, 2)}\n`, 'npx tsx scripts/emit-room-protocol.ts');
