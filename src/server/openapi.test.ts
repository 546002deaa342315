import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { OPERATION_IDS } from './operations.js';
import { createTestApp, type TestApp } from './testing/app.js';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: object; example?: unknown }> };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: object; example?: unknown }> }>;
}
interface Document {
  info: { license?: { name: string }; contact?: { url?: string } };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

/** The codes a response lists as the route's own (`x-error-codes`); `code` itself admits the catalogue's codes of the status. */
const codesOf = (operation: Operation, status: string) => ((operation.responses[status] as { 'x-error-codes'?: string[] } | undefined)?.['x-error-codes'] ?? []) as string[];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  const operations: [string, Operation][] = [];
  before(async () => {
    t = await createTestApp('sqlite');
    document = t.app.swagger() as unknown as Document;
    for (const [path, item] of Object.entries(document.paths)) for (const [method, operation] of Object.entries(item)) operations.push([`${method.toUpperCase()} ${path}`, operation]);
  });
  after(() => t.destroy());

  it('names every operation from OPERATION_IDS, each name once', () => {
    const named = new Set(Object.values(OPERATION_IDS));
    const unnamed = operations.filter(([, operation]) => !named.has(operation.operationId!)).map(([key]) => key);
    assert.deepEqual(unnamed, [], 'give these routes an operationId in src/server/operations.ts');
    const ids = operations.map(([, operation]) => operation.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('gives every operation a summary, its security, its error statuses and a 500', () => {
    for (const [key, operation] of operations) {
      assert.ok(operation.summary, `${key} has a summary`);
      assert.ok(Array.isArray(operation.security), `${key} says its security`);
      assert.ok(
        Object.keys(operation.responses).some((status) => status.startsWith('4')),
        `${key} has a 4xx`,
      );
      assert.deepEqual(codesOf(operation, '500'), ['internal_error'], key);
    }
    assert.equal(document.info.license?.name, 'MIT');
    assert.ok(document.info.contact?.url);
    assert.deepEqual(document.servers, [{ url: '/', description: 'The server that serves this document' }]);
  });

  it('derives security from each route’s role: none when public, a session for users, a signature for a provider', () => {
    const security = (path: string, method: string) => document.paths[path]![method]!.security;
    assert.deepEqual(security('/api/v1/gifts', 'get'), []);
    assert.deepEqual(security('/api/v1/lives/{id}/gifts', 'post'), [{ bearerAuth: [] }, { sessionCookie: [], csrfToken: [] }]);
    assert.deepEqual(security('/api/v1/wallet', 'get'), [{ bearerAuth: [] }, { sessionCookie: [] }]);
    assert.deepEqual(security('/api/v1/webhooks/sandbox', 'post'), [{ sandboxSignature: [] }]);
    for (const [key, operation] of operations) {
      for (const requirement of operation.security ?? []) for (const scheme of Object.keys(requirement)) assert.ok(document.components.securitySchemes[scheme], `${key}: ${scheme}`);
    }
  });

  it('lists the error codes a gift can be refused with, the Idempotency-Key and the headers of a retry', () => {
    const sendGift = document.paths['/api/v1/lives/{id}/gifts']!.post!;
    assert.equal(sendGift.operationId, 'sendGift');
    assert.ok(codesOf(sendGift, '402').includes('insufficient_coins'));
    assert.ok(codesOf(sendGift, '400').includes('confirmation_required'));
    assert.ok(codesOf(sendGift, '409').includes('idempotency_key_reused'));
    assert.ok(codesOf(sendGift, '401').includes('authentication_required'));
    assert.ok(sendGift.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key'));
    assert.ok(sendGift.responses['201']!.headers?.['Idempotent-Replayed']);
    assert.ok(sendGift.responses['429']!.headers?.['Retry-After']);
    assert.ok(sendGift.responses['503']!.headers?.['Retry-After']);
    // `code` admits every catalogued code of the status, not only those the route is known to answer.
    const notFound = sendGift.responses['404']!.content!['application/json']!.schema as { properties: { error: { properties: { code: { $ref: string } } } } };
    assert.equal(notFound.properties.error.properties.code.$ref, '#/components/schemas/ErrorCode404');
    const catalogued404 = (document.components as { schemas: Record<string, { enum: string[] }> }).schemas.ErrorCode404!.enum;
    assert.ok(catalogued404.includes('gift_not_found') && catalogued404.includes('route_not_found'));
    const adminRoute = document.paths['/api/v1/admin/orders']!.get!;
    assert.ok(codesOf(adminRoute, '403').includes('two_factor_required'));
  });

  it('gives every request and success body an example its schema accepts', () => {
    const ajv = addFormats.default(new Ajv2020({ strict: false }));
    const check = (key: string, media: { schema: object; example?: unknown } | undefined) => {
      if (!media?.schema) return;
      assert.notEqual(media.example, undefined, `${key} has an example`);
      const validate = ajv.compile({ ...media.schema, components: document.components });
      assert.ok(validate(media.example), `${key}: ${JSON.stringify(validate.errors)}`);
    };
    for (const [key, operation] of operations) {
      check(`${key} request`, operation.requestBody?.content['application/json']);
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
      check(`${key} ${success?.[0]}`, success?.[1].content?.['application/json']);
    }
  });
});
