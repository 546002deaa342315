/**
 * Examples for the OpenAPI document, built from a route's schema when the route gives none: each value
 * is the schema's own example, default, first enum member or constant, else a plain value of its type
 * that meets its bounds, so an example always validates against the schema it illustrates.
 */

type Schema = Record<string, unknown>;

const MAX_DEPTH = 8;

const STRING_FORMATS: Record<string, string> = {
  'date-time': '2026-01-15T12:00:00.000Z',
  date: '2026-01-15',
  email: 'ana@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
};

/** Values for strings by the name of their property, which say more than "string". */
const STRING_BY_NAME: [RegExp, string][] = [
  [/At$|^(since|until|from|to)$/, '2026-01-15T12:00:00.000Z'],
  [/^email$/i, 'ana@example.com'],
  [/handle$/i, 'ana'],
  [/currency$/i, 'EUR'],
  [/country|region/i, 'US'],
  [/url$/i, 'https://example.com/'],
  [/month$/i, '2026-01'],
  [/(^id|Id)$/, 'a1b2c3d4'],
  [/name$/i, 'Ana'],
  [/^(text|message|reason|description|title)$/, 'Thank you!'],
];

/** `resolve` looks up a `$ref` (`#/components/schemas/...`) in the document; `name` is the property's. */
export function exampleOf(schema: unknown, resolve: (ref: string) => unknown = () => undefined, depth = 0, name = ''): unknown {
  if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH) return undefined;
  const s = schema as Schema;
  if (typeof s.$ref === 'string') return exampleOf(resolve(s.$ref), resolve, depth + 1, name);
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options)) {
      // The first member that is not null says more than null does.
      const chosen = options.find((option) => (option as Schema).type !== 'null') ?? options[0];
      return exampleOf(chosen, resolve, depth + 1, name);
    }
  }
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((part) => exampleOf(part, resolve, depth + 1, name));
    return parts.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part)) ? Object.assign({}, ...parts) : parts[0];
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return objectExample(s, resolve, depth);
    case 'array': {
      const item = exampleOf(s.items, resolve, depth + 1);
      return item === undefined ? [] : Array.from({ length: Math.max(1, Number(s.minItems ?? 1)) }, () => item);
    }
    case 'string':
      return stringExample(s, name);
    case 'integer':
    case 'number':
      return numberExample(s, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return s.properties ? objectExample(s, resolve, depth) : undefined;
  }
}

function objectExample(s: Schema, resolve: (ref: string) => unknown, depth: number): Record<string, unknown> {
  const example: Record<string, unknown> = {};
  for (const [name, property] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
    const value = exampleOf(property, resolve, depth + 1, name);
    if (value !== undefined) example[name] = value;
  }
  return example;
}

function stringExample(s: Schema, name: string): string | undefined {
  if (typeof s.format === 'string' && STRING_FORMATS[s.format]) return STRING_FORMATS[s.format]!;
  const min = Number(s.minLength ?? 0);
  const max = Number(s.maxLength ?? Infinity);
  const byName = STRING_BY_NAME.find(([pattern]) => pattern.test(name))?.[1];
  const fits = (value: string) => value.length >= min && value.length <= max && (typeof s.pattern !== 'string' || new RegExp(s.pattern, 'u').test(value));
  if (byName !== undefined && fits(byName)) return byName;
  // A pattern we cannot sample leaves the example out rather than invent one that fails it.
  if (typeof s.pattern === 'string') return samplePattern(s.pattern, min, max);
  const text = 'string'.padEnd(min, 'x');
  return text.slice(0, Math.max(min, Math.min(max, text.length)));
}

/** A value for the simple patterns routes use, from a few plain candidates; none when none matches. */
function samplePattern(pattern: string, min: number, max: number): string | undefined {
  const candidates = ['abc123', '2026-01', '2026-01-15', 'ana', 'a', '0', 'ABC', 'eur', 'EUR', 'US'];
  const regex = new RegExp(pattern, 'u');
  const found = candidates.find((candidate) => regex.test(candidate) && candidate.length >= min && candidate.length <= max);
  return found;
}

function numberExample(s: Schema, integer: boolean): number {
  const minimum = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : undefined;
  const maximum = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : undefined;
  let value = minimum ?? (maximum !== undefined ? Math.min(maximum, 100) : 100);
  if (minimum !== undefined && minimum <= 0 && (maximum === undefined || maximum >= 100)) value = 100;
  return integer ? Math.ceil(value) : value;
}
