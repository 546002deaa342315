import { resolve } from 'node:path';

/** The database engines DATABASE_URL may select. */
export type Engine = 'sqlite' | 'postgres';

export type DatabaseTarget = { engine: 'sqlite'; filename: string } | { engine: 'postgres'; connectionString: string };

/** Accepts `postgres://…`, `postgresql://…`, `sqlite:PATH`, `sqlite://PATH` or a plain file path. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new Error('DATABASE_URL is empty');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { engine: 'postgres', connectionString: trimmed };
  const withoutScheme = trimmed.replace(/^sqlite:(\/\/)?/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(withoutScheme)) {
    throw new Error(`DATABASE_URL scheme is not supported: ${trimmed.split(':')[0]} (use postgres:// or a SQLite file path)`);
  }
  return { engine: 'sqlite', filename: resolve(withoutScheme) };
}

/** The brokers BUS_URL may select. */
export type BrokerKind = 'redis' | 'nats';

/** The broker a `BUS_URL` selects: `redis://` or `rediss://` (TLS) for Redis, `nats://` for NATS. Throws for anything else. */
export function parseBusUrl(url: string): BrokerKind {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('expected a URL such as redis://127.0.0.1:6379 or nats://127.0.0.1:4222');
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss' && scheme !== 'nats') {
    throw new Error(`scheme ${JSON.stringify(scheme)} is not supported (use redis://, rediss:// or nats://)`);
  }
  if (parsed.hostname === '') throw new Error(`expected a host, as in ${scheme}://127.0.0.1`);
  return scheme === 'nats' ? 'nats' : 'redis';
}
