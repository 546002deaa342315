import { Ajv, type ErrorObject } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types/index.js';
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

/** Deepest nesting of arrays and objects a request body may have; no route needs more than a few levels. */
export const MAX_BODY_DEPTH = 32;

/** A lone UTF-16 surrogate: one half of a pair without the other. A pair (an emoji, say) is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;

type TextProblem = Pick<ErrorObject, 'keyword' | 'instancePath' | 'message'>;

/** What is wrong with a piece of text, if anything, and the keyword its validation error carries. */
function textFault(text: string): { keyword: 'nul' | 'loneSurrogate'; what: string } | undefined {
  // PostgreSQL cannot store a NUL character in text.
  if (text.includes('\u0000')) return { keyword: 'nul', what: 'the NUL character' };
  // SQLite would store a lone surrogate as it is and PostgreSQL as U+FFFD: neither is text.
  if (LONE_SURROGATE.test(text)) return { keyword: 'loneSurrogate', what: 'a lone UTF-16 surrogate' };
  return undefined;
}

/**
 * The first problem with the text of a request part, or undefined: a string or key holding a NUL
 * character or a lone surrogate, or nesting deeper than MAX_BODY_DEPTH. Walks with its own stack,
 * so no input can exhaust the call stack. Every engine then refuses the same input the same way,
 * rather than failing at the database or storing it differently.
 */
export function findTextProblem(root: unknown): TextProblem | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const fault = textFault(value);
      if (fault !== undefined) return { keyword: fault.keyword, instancePath: path, message: `must not contain ${fault.what}` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { keyword: 'maxDepth', instancePath: '', message: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
    const entries = Object.entries(value);
    // Pushed in reverse, so fields are checked in their order and the first problem found is the first written.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const fault = textFault(key);
      if (fault !== undefined) return { keyword: fault.keyword, instancePath: path, message: `must not have a field name containing ${fault.what}` };
      pending.push({ value: child, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

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
