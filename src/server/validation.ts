import { Ajv, type ErrorObject } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types/index.js';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { findTextProblem } from '../shared/text.js';

/**
 * Request validation. JSON bodies are taken as sent: a number where a string
 * belongs, or an unknown field, is a 400, never silently coerced or dropped.
 * Query strings and path parameters are text by nature, so they are coerced.
 */
const options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false } as const;
const bodyAjv = addFormats.default(new Ajv({ ...options, coerceTypes: false }));
const textAjv = addFormats.default(new Ajv({ ...options, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);
  const validateInput = (data: unknown, context?: DataValidationCxt): boolean => {
    const problem = findTextProblem(data);
    if (problem !== undefined) {
      validateInput.errors = [{ ...problem, schemaPath: '', params: {} }];
      return false;
    }
    const valid = validate(data, context);
    validateInput.errors = validate.errors;
    return valid;
  };
  validateInput.errors = undefined as ErrorObject[] | null | undefined;
  // Fastify passes the parent object (so Ajv may coerce a root value) only to validators that carry schemaEnv.
  return Object.assign(validateInput, { schemaEnv: validate.schemaEnv });
};

/** Where a validation error points: the field's dotted path, and whether it is missing or unknown there. */
export function fieldOf(error: Pick<ErrorObject, 'instancePath' | 'params'>): { field: string; problem: 'missing' | 'unknown' | 'invalid' } {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = error.params as Record<string, unknown>;
  const child = typeof params.missingProperty === 'string' ? params.missingProperty : typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
  const field = [path, child].filter((part) => part !== undefined && part !== '').join('.');
  return { field, problem: typeof params.missingProperty === 'string' ? 'missing' : typeof params.additionalProperty === 'string' ? 'unknown' : 'invalid' };
}

/** One sentence naming the field at fault, such as `"email" must match format "email"`. */
export function describeValidationError(errors: ErrorObject[], dataVar: string): Error {
  const first = errors[0];
  if (!first) return new Error(`The ${dataVar} is invalid.`);
  const { field, problem } = fieldOf(first);
  const where = dataVar === 'body' ? 'request body' : dataVar;
  if (problem === 'unknown') return new Error(`Unknown field "${field}" in the ${where}.`);
  if (problem === 'missing') return new Error(`"${field}" is required in the ${where}.`);
  return new Error(field === '' ? `The ${where} ${first.message ?? 'is invalid'}.` : `"${field}" ${first.message ?? 'is invalid'}.`);
}
