import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OvationServer } from '../server.js';

/**
 * Checks every response a test receives from the app against the OpenAPI document the app serves:
 * the status must be one the operation documents, documented headers must hold what the document
 * says, and a JSON body must match the documented schema. A response that does not is answered as a
 * 500 (code `response_not_documented`, the message naming what differs) and makes the app's
 * destroy() throw, so the test that received it fails. The number of responses checked goes to
 * RESPONSE_VALIDATION_COUNT_DIR, where scripts/run-tests.mjs adds them up for the run.
 *
 * OVATION_RESPONSE_VALIDATION=report only prints what differs and lets the responses through, so one
 * run lists every difference rather than the first of each test.
 */

export const RESPONSE_VALIDATION_COUNT_DIR = 'OVATION_RESPONSE_VALIDATION_DIR';
const REPORT_ONLY = process.env.OVATION_RESPONSE_VALIDATION === 'report';

interface MediaType {
  schema?: unknown;
}
interface DocumentedResponse {
  content?: Record<string, MediaType>;
  headers?: Record<string, { schema?: unknown; required?: boolean }>;
}
interface DocumentedOperation {
  responses?: Record<string, DocumentedResponse>;
}
interface Document {
  paths?: Record<string, Record<string, DocumentedOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

let validated = 0;
const ajv = addFormats.default(new Ajv2020({ strict: false, allErrors: false, validateFormats: true }));
const compiled = new Map<string, ValidateFunction>();

process.once('exit', () => {
  const dir = process.env[RESPONSE_VALIDATION_COUNT_DIR];
  if (dir && validated > 0) appendFileSync(join(dir, `${process.pid}.count`), `${validated}\n`);
});

/** A validator for `schema`, whose `#/components/...` references point into the document's components. */
function validatorFor(schema: unknown, components: Document['components'], componentsHash: string): ValidateFunction {
  const text = JSON.stringify(schema);
  const key = `${componentsHash}:${text}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ ...(schema as object), components });
    compiled.set(key, validate);
  }
  return validate;
}

/** The document path of a route: /api/v1/lives/{id}/gifts for /api/v1/lives/:id/gifts. */
function documentPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parseBody(payload: unknown): { parsed: boolean; body?: unknown } {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return { parsed: false };
  const text = payload.toString();
  if (text === '') return { parsed: true, body: undefined };
  try {
    return { parsed: true, body: JSON.parse(text) };
  } catch {
    return { parsed: false };
  }
}

/** What about this response the document does not allow; none when it matches. */
function violationsOf(document: Document, componentsHash: string, request: FastifyRequest, reply: FastifyReply, payload: unknown): string[] {
  const url = request.routeOptions.url;
  if (url === undefined) return []; // no route: the not-found handler's answer belongs to no operation
  const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase();
  const operation = document.paths?.[documentPath(url)]?.[method];
  if (!operation) return []; // a route the document hides (the web app's pages, the document itself)
  const status = String(reply.statusCode);
  const response = operation.responses?.[status] ?? operation.responses?.[`${status[0]}XX`] ?? operation.responses?.default;
  if (!response) return [`status ${status} is not documented (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`];

  const problems: string[] = [];
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = reply.getHeader(name);
    if (value === undefined) {
      if (header.required) problems.push(`header ${name} is documented as required but missing`);
      continue;
    }
    const schema = header.schema as { type?: string } | undefined;
    const typed = schema?.type === 'integer' || schema?.type === 'number' ? Number(value) : String(value);
    if (schema && !validatorFor(schema, document.components, componentsHash)(typed)) problems.push(`header ${name}: ${JSON.stringify(value)} does not match its schema`);
  }

  const contentType = String(reply.getHeader('content-type') ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const content = response.content;
  if (!content) return problems; // a response without a documented body (a socket upgrade, 204)
  const media = content[contentType] ?? Object.entries(content).find(([type]) => type.endsWith('/*') && contentType.startsWith(type.slice(0, -1)))?.[1];
  if (!media) {
    // An empty body needs no media type.
    const empty = payload === undefined || payload === null || payload === '' || (Buffer.isBuffer(payload) && payload.length === 0);
    if (!empty) problems.push(`content type ${contentType || '(none)'} is not documented for status ${status} (documented: ${Object.keys(content).join(', ')})`);
    return problems;
  }
  if (!contentType.includes('json') || media.schema === undefined) return problems;
  const { parsed, body } = parseBody(payload);
  if (!parsed) return problems; // a stream: not read here
  const validate = validatorFor(media.schema, document.components, componentsHash);
  if (!validate(body)) {
    const detail = (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`).join('; ');
    problems.push(`body does not match the documented schema of ${status}: ${detail}; body ${JSON.stringify(body).slice(0, 400)}`);
  }
  return problems;
}

/** Documents by the settings they were built under: building one takes a few hundred milliseconds. */
const documents = new Map<string, { document: Document; componentsHash: string }>();

export interface ResponseValidation {
  /** Throws, naming each, the responses checked so far that the document does not allow: call it once the app is closed. */
  assertDocumented(): void;
}

/**
 * Installs the check on `app` (before it is ready). createTestApp's destroy() asserts what it found; a
 * test that builds a server of its own (its own logger, a second process on one bus) does so after
 * closing it. Apps of the same `documentKey` (the settings and routes that shape the document) share the
 * document of the first; without a key each app's own is read.
 */
export function installResponseValidation(app: OvationServer, documentKey?: string): ResponseValidation {
  const found: string[] = [];
  let document: Document | undefined;
  let componentsHash = '';
  app.addHook('onSend', async (request, reply, payload) => {
    if (!document) {
      let built = documentKey === undefined ? undefined : documents.get(documentKey);
      if (!built) {
        const own = app.swagger() as Document;
        built = {
          document: own,
          componentsHash: createHash('sha1')
            .update(JSON.stringify(own.components ?? {}))
            .digest('hex'),
        };
        if (documentKey !== undefined) documents.set(documentKey, built);
      }
      ({ document, componentsHash } = built);
    }
    validated += 1;
    const problems = violationsOf(document, componentsHash, request, reply, payload);
    if (problems.length === 0) return payload;
    const code = (parseBody(payload).body as { error?: { code?: unknown } } | undefined)?.error?.code;
    const message = `${request.method} ${request.url} (route ${request.method} ${request.routeOptions.url}) answered ${reply.statusCode}${typeof code === 'string' ? ` ${code}` : ''}, which the OpenAPI document does not allow: ${problems.join(' | ')}`;
    console.error(`response validation: ${message}`);
    if (REPORT_ONLY) return payload;
    found.push(message);
    void reply.code(500).header('content-type', 'application/json; charset=utf-8');
    reply.removeHeader('content-length');
    return JSON.stringify({ error: { type: 'api_error', code: 'response_not_documented', message } });
  });
  return {
    assertDocumented() {
      if (found.length > 0) throw new Error(`responses the OpenAPI document does not allow (src/server/testing/response-validation.ts):\n${found.join('\n')}`);
    },
  };
}
