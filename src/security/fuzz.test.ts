import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createSignedInAdmin, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { ErrorBody } from '../server/errors.js';
import { auditEverything } from '../audit/index.js';

/**
 * Property-based requests generated from the OpenAPI document, at every documented route as every
 * role: valid shapes and hostile ones. No answer may be a 5xx, every refusal is the documented
 * error object, and a refused request leaves the ledger as it was.
 *
 * FUZZ_SEED reruns a failing run exactly (the seed is printed); FUZZ_RUNS sets the requests per route. A code
 * a route answers that the document does not list fails the run: add it to DOCUMENTED_ERRORS (src/server/operations.ts).
 */
/** CI repeats one seed, so whether a commit passes never depends on chance; elsewhere each run explores a new one. */
const CI_FUZZ_SEED = 20261206;
const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI === 'true' ? CI_FUZZ_SEED : Math.floor(Math.random() * 2 ** 31);
const RUNS_PER_ROUTE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 40;

/** Routes that would end the fixtures' sessions or freeze, close or re-key their accounts if a generated body were valid. */
const SKIPPED_ROUTES = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/me/close', 'POST /api/v1/me/password', 'POST /api/v1/me/two-factor/disable', 'POST /api/v1/me/report-unauthorized-activity']);
/** The overlay page answers a wrong key with a plain HTML 404 on purpose (it is what OBS shows), not the JSON error. */
const HTML_ROUTES = new Set(['GET /overlay/{creatorHandle}']);
const ERROR_FIELDS = new Set(Object.keys(ErrorBody.properties.error.properties));

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
};
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Strings that have broken parsers, queries and renderers before; safe to put in a URL. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '\\',
  '%',
  '_',
  '%00',
  '\u0000',
  '../../../etc/passwd',
  '<img src=x onerror=alert(1)>',
  '${7*7}',
  '𝕏😀‍🔥',
  'Ǆ\u202Eevil',
  '\uFEFF',
  '1e999',
  '-0',
  'NaN',
  'x'.repeat(5000),
];
/** Numbers out of every range the API takes: huge, negative, fractional, unsafe as integers. */
const HOSTILE_NUMBERS = [-1, 0, 0.5, -0.5, 2 ** 31, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'grapheme', maxLength: 40 }));
/** Any JSON value of a wrong or extreme kind, including a lone surrogate (valid in JSON text, invalid as Unicode). */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom<unknown>(...HOSTILE_NUMBERS, '\uD800', null, true, false, [], {}, [null], { $gt: '' }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.jsonValue({ maxDepth: 2 }),
);

const DATE = fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });

/** Values the schema accepts (close to it where a pattern is too hard to honour). */
function validOf(schema: Schema | undefined): fc.Arbitrary<unknown> {
  if (!schema) return hostileValue;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map(validOf));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'date') return DATE.map((date) => date.toISOString().slice(0, 10));
      if (schema.format === 'date-time') return DATE.map((date) => date.toISOString());
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.format === 'uri') return fc.webUrl();
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.min(schema.maxLength ?? 40, minLength + 40);
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
      return fc.string({ minLength, maxLength });
    }
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? -1_000_000, -(2 ** 31)), max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validOf(schema.items), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const properties = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, validOf(property)]));
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) });
    }
    default:
      return hostileValue;
  }
}

type Mutation = 'none' | 'replace' | 'drop' | 'extra' | 'wrong_type';

/** A valid object, or one with a field replaced by a hostile value, a field dropped, a field added, or not an object at all. */
function objectOf(schema: Schema): fc.Arbitrary<unknown> {
  return fc
    .record({
      base: validOf(schema),
      mutation: fc.constantFrom<Mutation>('none', 'none', 'replace', 'replace', 'drop', 'extra', 'wrong_type'),
      fieldIndex: fc.nat(),
      value: hostileValue,
      extraName: fc.oneof(fc.constantFrom('isAdmin', 'roles', 'price', 'userId', '__proto__', 'constructor'), fc.string({ minLength: 1, maxLength: 12 })),
    })
    .map(({ base, mutation, fieldIndex, value, extraName }) => {
      if (mutation === 'wrong_type') return value;
      const object = { ...(base as Record<string, unknown>) };
      const names = Object.keys(schema.properties ?? {});
      const name = names[fieldIndex % Math.max(names.length, 1)];
      if (mutation === 'replace' && name !== undefined) object[name] = value;
      if (mutation === 'drop' && name !== undefined) delete object[name];
      if (mutation === 'extra') Object.defineProperty(object, extraName, { value, enumerable: true, writable: true, configurable: true });
      return object;
    });
}

interface FuzzRequest {
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** URLs carry well-formed text: a generated value as the server would receive it, lone surrogates replaced as browsers do. */
function asText(value: unknown): string {
  return (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(/\p{Surrogate}/gu, '\uFFFD');
}

function requestsOf(path: string, operation: Operation, pathPool: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathParams = parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = parameters.filter((parameter) => parameter.in === 'query');
  const querySchema: Schema = {
    type: 'object',
    properties: Object.fromEntries(queryParams.map((parameter) => [parameter.name, parameter.schema ?? {}])),
    required: queryParams.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
  const idempotent = parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key');
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  return fc
    .record({
      pathValues: fc.tuple(...pathParams.map((parameter) => fc.oneof(fc.constantFrom(...pathPool), validOf(parameter.schema).map(asText), hostileString))),
      query: queryParams.length > 0 ? objectOf(querySchema) : fc.constant(undefined),
      idempotencyKey: idempotent ? fc.option(fc.oneof(fc.uuid(), hostileString), { freq: 6 }) : fc.constant(null),
      body: bodySchema ? objectOf(bodySchema) : fc.constant(undefined),
    })
    .map(({ pathValues, query, idempotencyKey, body }) => {
      let index = 0;
      let url = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(pathValues[index++] ?? ''));
      if (query && typeof query === 'object' && !Array.isArray(query)) {
        const search = new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, asText(value)]));
        if (search.size > 0) url += `?${search}`;
      } else if (query !== undefined) {
        url += `?${encodeURIComponent(asText(query))}`;
      }
      const headers: Record<string, string> = {};
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      if (body === undefined) return { url, headers };
      headers['content-type'] = 'application/json';
      return { url, headers, payload: JSON.stringify(body) ?? 'null' };
    });
}

function assertDocumentedRefusal(response: LightMyRequestResponse, context: string): void {
  assert.match(String(response.headers['content-type']), /^application\/json/, `${context}: a refusal that is not JSON: ${response.body.slice(0, 300)}`);
  const body = response.json() as { error?: Record<string, unknown> };
  assert.ok(body.error && typeof body.error === 'object', `${context}: no error object: ${response.body.slice(0, 300)}`);
  for (const field of ['type', 'code', 'message']) assert.ok(typeof body.error[field] === 'string' && body.error[field] !== '', `${context}: error.${field} missing: ${response.body}`);
  const undocumented = Object.keys(body.error).filter((field) => !ERROR_FIELDS.has(field));
  assert.deepEqual(undocumented, [], `${context}: error fields outside the documented object: ${response.body}`);
  assert.match(String(body.error.type), /^[a-z_]+_error$/, `${context}: ${response.body}`);
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`API fuzzing on ${engine}`, { skip }, () => {
    let t: TestApp;
    let doc: { paths: Record<string, Partial<Record<Lowercase<Method>, Operation>>> };
    let callers: { name: string; user: SignedInUser | undefined }[];
    let pathPool: string[];

    /**
     * The journal's last transfer: what a refused request must leave alone. The journal is append-only and
     * every balance is derived from it (the audit at the end checks they agree), so no new transfer means
     * no balance moved. Waits for the sandbox's own deliveries first.
     */
    async function ledgerState(): Promise<string> {
      await t.sandbox.idle();
      await t.services.payoutSandbox?.idle();
      const last = await t.db.kysely
        .selectFrom('ledger_transfers')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();
      return String(last.seq);
    }

    before(async () => {
      t = await createTestApp(engine);
      const viewer = await viewerWithCoins(t);
      const creator = await signUpCreator(t);
      const admin = await createSignedInAdmin(t);
      const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Fuzzed live' } });
      assert.equal(live.statusCode, 201, live.body);
      // Real ids among the generated ones, so some requests reach the handlers' business rules.
      pathPool = [live.json().live.id as string, (await t.accounts.getUser(creator.id)).handle, 'gift_rose', 'pkg_web_700'];
      callers = [
        { name: 'anonymous', user: undefined },
        { name: 'viewer', user: viewer },
        { name: 'creator', user: creator },
        { name: 'admin', user: admin },
      ];
      doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    });

    after(async () => {
      await t?.destroy();
    });

    it(`no 5xx, documented refusals, and refused requests leave the ledger alone (seed ${FUZZ_SEED}, ${RUNS_PER_ROUTE} runs per route)`, async (context) => {
      context.diagnostic(`FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${RUNS_PER_ROUTE}`);
      const statuses = new Map<number, number>();
      let routes = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [lowerMethod, operation] of Object.entries(operations)) {
          const method = lowerMethod.toUpperCase() as Method;
          const route = `${method} ${path}`;
          if (SKIPPED_ROUTES.has(route) || !operation) continue;
          routes++;
          const requests = fc.record({ caller: fc.constantFrom(...callers), request: requestsOf(path, operation, pathPool) });
          await fc.assert(
            fc.asyncProperty(requests, async ({ caller, request }) => {
              const label = `${route} as ${caller.name}: ${request.url.slice(0, 300)} ${request.payload?.slice(0, 300) ?? ''}`;
              const before = await ledgerState();
              const response = await t.app.inject({ method, url: request.url, headers: { ...request.headers, ...caller.user?.headers }, payload: request.payload });
              statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
              assert.ok(response.statusCode < 500, `${label}: answered ${response.statusCode} ${response.body.slice(0, 500)}`);
              if (response.statusCode < 400) return;
              if (!HTML_ROUTES.has(route)) assertDocumentedRefusal(response, label);
              assert.equal(await ledgerState(), before, `${label}: refused with ${response.statusCode}, yet the ledger changed`);
            }),
            { seed: FUZZ_SEED + routes, numRuns: RUNS_PER_ROUTE, includeErrorInReport: true },
          );
        }
      }
      assert.ok(routes >= 100, `only ${routes} routes fuzzed`);
      // Valid requests got through as well as refusals, so the run is not vacuous.
      assert.ok(
        [...statuses.keys()].some((status) => status < 300),
        `no request succeeded: ${[...statuses]}`,
      );
      context.diagnostic(
        `${routes} routes; answers by status: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}`,
      );
      const audit = await auditEverything(t.db);
      assert.deepEqual(audit.violations, []);
      assert.ok(audit.ok, 'the audit passes after the run');
    });
  });
}
