import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

/**
 * Request validation. JSON bodies are taken as sent: a number where a string
 * belongs, or an unknown field, is a 400, never silently coerced or dropped.
 * Query strings and path parameters are text by nature, so they are coerced.
 */
const options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false } as const;
const bodyAjv = addFormats.default(new Ajv({ ...options, coerceTypes: false }));
const textAjv = addFormats.default(new Ajv({ ...options, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);

/** One sentence naming the field at fault, such as `"email" must match format "email"`. */
export function describeValidationError(errors: ErrorObject[], dataVar: string): Error {
  const first = errors[0];
  if (!first) return new Error(`The ${dataVar} is invalid.`);
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = first.params as Record<string, unknown>;
  const where = dataVar === 'body' ? 'request body' : dataVar;
  if (typeof params.additionalProperty === 'string') {
    const field = [path, params.additionalProperty].filter(Boolean).join('.');
    return new Error(`Unknown field "${field}" in the ${where}.`);
  }
  if (typeof params.missingProperty === 'string') {
    const field = [path, params.missingProperty].filter(Boolean).join('.');
    return new Error(`"${field}" is required in the ${where}.`);
  }
  return new Error(path === '' ? `The ${where} ${first.message ?? 'is invalid'}.` : `"${path}" ${first.message ?? 'is invalid'}.`);
}
