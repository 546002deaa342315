/**
 * The one form every environment variable is declared in, and the one reader that parses it. A module declares
 * its variables next to the code that uses them; src/server/settings.ts gathers every declaration, and
 * docs/configuration.md's list of variables is written from them (scripts/config-docs.ts).
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown for a missing or malformed environment variable; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Thrown by a setting's parser for a value it refuses; readSetting names the variable in front of the message. */
export class InvalidValue extends Error {}

/** What a kind of value looks like and how its text is parsed: the part of a declaration that kinds share. */
export interface ValueKind<T> {
  /** What the value is, for the docs: `whole number`, `boolean`, `URL`, `list`… */
  readonly type: string;
  /** The values accepted, for the docs: `1 to 100000`, `sandbox, stripe`; undefined: anything of the type. */
  readonly allowed?: string;
  /** Parses the trimmed, non-empty text of the variable; throws InvalidValue for a value it refuses. */
  readonly parse: (raw: string) => T;
}

export interface SettingSpec<T> extends ValueKind<T> {
  /** The folder under src/ whose behaviour the variable sets. */
  readonly module: string;
  /** The value an unset or empty variable stands for, as written in the environment; absent: none, and the setting reads as undefined. */
  readonly default?: string;
  /** Holds a password or a key (or may, as a URL with credentials): keep it out of logs and shared files. */
  readonly secret?: boolean;
  /** Markdown for docs/configuration.md: what the variable does and what follows from each value. */
  readonly description: string;
}

/** One environment variable: its name, what it accepts, its default, and what it is for. */
export interface Setting<T> extends SettingSpec<T> {
  readonly name: string;
  readonly secret: boolean;
}

type ValueOf<S> = S extends SettingSpec<infer T> ? (S extends { readonly default: string } ? T : T | undefined) : never;

/** Names each spec after its key: `declareSettings({ PORT: { … } }).PORT` is the setting PORT. */
export function declareSettings<S extends Record<string, SettingSpec<unknown>>>(specs: S): { readonly [K in keyof S & string]: Setting<ValueOf<S[K]>> } {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { ...spec, name, secret: spec.secret ?? false }])) as {
    [K in keyof S & string]: Setting<ValueOf<S[K]>>;
  };
}

/**
 * The value of `setting` in `env`. Surrounding white space is dropped and an empty variable counts as unset. Throws a
 * ConfigError naming the variable for a value its parser refuses.
 */
export function readSetting<T>(env: Env, setting: Setting<T>): T {
  const given = env[setting.name]?.trim();
  const raw = given === undefined || given === '' ? setting.default : given;
  // declareSettings types a setting without a default as T | undefined.
  if (raw === undefined) return undefined as T;
  try {
    return setting.parse(raw);
  } catch (error) {
    if (error instanceof InvalidValue) throw new ConfigError(setting.name, error.message);
    throw error;
  }
}

/** Whether `env` sets `setting` (not empty), rather than leaving it to its default. */
export function isSettingGiven(env: Env, setting: Setting<unknown>): boolean {
  return (env[setting.name]?.trim() ?? '') !== '';
}

/** readSetting bound to `env`, for a loader that reads several settings. */
export function settingsIn(env: Env): <T>(setting: Setting<T>) => T {
  return (setting) => readSetting(env, setting);
}

export function wholeNumber(min: number, max: number): ValueKind<number> {
  const expected = `expected a whole number from ${min} to ${max}`;
  return {
    type: 'whole number',
    allowed: `${min} to ${max}`,
    parse: (raw) => {
      if (!/^\d+$/.test(raw)) throw new InvalidValue(`${expected}, got ${JSON.stringify(raw)}`);
      const value = Number(raw);
      if (value < min || value > max) throw new InvalidValue(`${expected}, got ${raw}`);
      return value;
    },
  };
}

export function flag(): ValueKind<boolean> {
  return {
    type: 'boolean',
    allowed: '`true` or `false` (also `1`/`0`, `yes`/`no`)',
    parse: (raw) => {
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      throw new InvalidValue(`expected true or false, got ${JSON.stringify(raw)}`);
    },
  };
}

/** One of `values`, as written, or in any case when `ignoreCase` (answered in lower case). */
export function oneOf<const V extends string>(values: readonly V[], options: { ignoreCase?: boolean } = {}): ValueKind<V> {
  const expected = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return {
    type: 'one of',
    allowed: values.map((value) => `\`${value}\``).join(', ') + (options.ignoreCase ? ' (any case)' : ''),
    parse: (raw) => {
      const value = options.ignoreCase ? raw.toLowerCase() : raw;
      if (!(values as readonly string[]).includes(value)) throw new InvalidValue(`expected ${expected}, got ${JSON.stringify(raw)}`);
      return value as V;
    },
  };
}

/** An absolute URL, answered without a trailing slash. */
export function url(): ValueKind<string> {
  return {
    type: 'URL',
    parse: (raw) => {
      try {
        return new URL(raw).toString().replace(/\/$/, '');
      } catch {
        throw new InvalidValue(`expected a URL, got ${JSON.stringify(raw)}`);
      }
    },
  };
}

/** The non-empty entries of a comma-separated list, trimmed. */
export function listEntries(raw: string): string[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Any text, as given. */
export function text(): ValueKind<string> {
  return { type: 'text', parse: (raw) => raw };
}
