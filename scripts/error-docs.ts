// Writes the catalogue of error codes in docs/errors.md, between its markers, from the tables that describe
// them: the services' codes (src/shared/error-codes.ts), the ledger's and the HTTP layer's
// (src/server/errors.ts) and the room socket's own (src/live/room.ts); the prose around it is kept.
//
//   npx tsx scripts/error-docs.ts           rewrite the catalogue
//   npx tsx scripts/error-docs.ts --check   exit 1 when the file differs from what the tables give (npm run lint)
import { fileURLToPath } from 'node:url';
import { ROOM_ERROR_CODES } from '../src/live/room.js';
import { DOMAIN_ERROR_STATUS, HTTP_ERROR_CODES, LEDGER_ERRORS } from '../src/server/errors.js';
import { DOMAIN_ERROR_CODES, type ErrorCodeDescription } from '../src/shared/error-codes.js';
import type { DomainErrorKind } from '../src/shared/errors.js';
import { withSection, writeOrCheck } from './generated-files.js';

const DOC = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
const BEGIN = '<!-- errors:begin -->';
const END = '<!-- errors:end -->';

/** What a client does about a refusal of each kind, unless the code says otherwise. */
const KIND_ACTIONS: Record<DomainErrorKind, string> = {
  invalid: 'Correct the request (the field in `param`, when given) and send it again; sent unchanged it fails the same way.',
  unauthenticated: 'Sign in again (or send valid credentials), then retry.',
  insufficient_funds: 'Buy coins, then retry with the same Idempotency-Key.',
  declined: 'Use another card or payment method.',
  forbidden: 'Do not retry as it is: the caller lacks the role, age, standing or setting this needs; the message says which.',
  not_found: 'Check the id or handle; retrying unchanged gives the same answer.',
  conflict: "Read the object's current state and act on it; retrying unchanged gives the same answer.",
  idempotency_conflict: 'Use a new Idempotency-Key for a new request; reuse a key only to retry the very same request.',
  too_long: 'Send an identifier the service issued.',
  mismatch: 'Send the values on record, or have them corrected.',
  wrong_protocol: 'Connect with a WebSocket upgrade.',
  limited: 'Wait the `Retry-After` seconds (or until `error.resetsAt`), then retry.',
  unavailable: 'Retry after the `Retry-After` seconds, with the same Idempotency-Key.',
};

interface Row {
  statuses: Set<string>;
  types: Set<string>;
  meanings: string[];
  actions: string[];
}

const rows = new Map<string, Row>();
function add(code: string, status: string, type: string, meaning: string, action: string): void {
  const row = rows.get(code) ?? { statuses: new Set(), types: new Set(), meanings: [], actions: [] };
  row.statuses.add(status);
  row.types.add(type);
  if (!row.meanings.includes(meaning)) row.meanings.push(meaning);
  if (!row.actions.includes(action)) row.actions.push(action);
  rows.set(code, row);
}

for (const [code, described] of Object.entries(DOMAIN_ERROR_CODES) as [string, ErrorCodeDescription][]) {
  for (const kind of described.kinds) {
    const { status, type } = DOMAIN_ERROR_STATUS[kind];
    add(code, String(status), type, described.meaning, described.action ?? KIND_ACTIONS[kind]);
  }
}
for (const [code, described] of Object.entries(LEDGER_ERRORS)) {
  const { status, type } = DOMAIN_ERROR_STATUS[described.kind];
  add(code, String(status), type, described.meaning, described.action ?? KIND_ACTIONS[described.kind]);
}
for (const [code, described] of Object.entries(HTTP_ERROR_CODES)) {
  const type =
    described.status === 500 || described.status === 503 ? 'api_error' : described.status === 401 ? 'authentication_error' : described.status === 403 ? 'permission_error' : 'invalid_request_error';
  add(code, String(described.status), type, described.meaning, 'action' in described ? described.action : 'Correct the request and send it again.');
}
for (const [code, described] of Object.entries(ROOM_ERROR_CODES)) {
  add(code, 'closes' in described ? `socket, closes ${described.closes}` : 'socket', '—', described.meaning, described.action);
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function render(): string {
  const codes = [...rows.keys()].sort();
  const lines = codes.map((code) => {
    const row = rows.get(code)!;
    const statuses = [...row.statuses].sort().join(', ');
    const types = [...row.types].filter((type) => type !== '—').sort();
    return `| \`${code}\` | ${statuses} | ${types.length === 0 ? '—' : types.map((type) => `\`${type}\``).join(', ')} | ${cell(row.meanings.join(' '))} | ${cell(row.actions.join(' '))} |`;
  });
  return [
    BEGIN,
    '<!-- Written by scripts/error-docs.ts from the tables of codes in the source: edit those, then run `npx tsx scripts/error-docs.ts`. -->',
    '',
    `${codes.length} codes.`,
    '',
    '| code | status | type | meaning | what a client does |',
    '| --- | --- | --- | --- | --- |',
    ...lines,
    '',
    END,
  ].join('\n');
}

writeOrCheck(DOC, withSection(DOC, BEGIN, END, render()), 'npx tsx scripts/error-docs.ts');
