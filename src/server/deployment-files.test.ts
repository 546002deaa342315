// No container engine runs here, so the image and the compose file are not started by a test: this one reads them
// and holds them to what the nginx test proves (src/server/nginx.test.ts) and to the settings the server reads, and
// holds docs/deployment.md to explaining every directive of the nginx configuration it ships.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SETTINGS } from './settings.js';
import { SHIPPED_NGINX_CONFIG } from './testing/nginx.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, 'utf8');
const KNOWN_VARIABLES = new Set(SETTINGS.map((setting) => setting.name));

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's stages by name, each its instructions in order: comments dropped, continued lines joined. */
function dockerfileStages(text: string): Map<string, Instruction[]> {
  const stages = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines.map((raw) => raw.trim()).filter((trimmed) => trimmed !== '' && !trimmed.startsWith('#'))) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') {
      const name = /\sAS\s+(\S+)$/i.exec(args)?.[1];
      assert.ok(name, `every stage is named: FROM ${args}`);
      stages.set(name, (current = []));
    }
    current?.push(instruction);
  }
  return stages;
}

/** `KEY=value KEY=value` of an ENV instruction. */
function envOf(instructions: Instruction[]): Map<string, string> {
  return new Map(
    instructions
      .filter((instruction) => instruction.keyword === 'ENV')
      .flatMap((instruction) => instruction.args.split(/\s+/))
      .map((pair) => pair.split('=') as [string, string]),
  );
}

/** The addresses the shipped nginx configuration sends requests to, and the port it listens on. */
function nginxConfig(): { upstreams: string[]; listen: number } {
  const text = readFileSync(SHIPPED_NGINX_CONFIG, 'utf8');
  return { upstreams: [...text.matchAll(/^\s*server (\S+) /gm)].map((match) => match[1]!), listen: Number(/^\s*listen (\d+);/m.exec(text)![1]) };
}

describe('docs/deployment.md', () => {
  it('explains every directive of the shipped nginx configuration', () => {
    const docs = read('docs/deployment.md');
    const section = docs.slice(docs.indexOf('### nginx'), docs.indexOf('## Containers'));
    // Each line's first word, but for the entries of the map block (its values, not directives).
    const config = readFileSync(SHIPPED_NGINX_CONFIG, 'utf8').replace(/^map [^{]*\{[^}]*\}/m, 'map');
    const directives = new Set(
      config
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /^[a-z_]+(\s|$)/.test(line))
        .map((line) => line.split(/\s/)[0]!),
    );
    assert.ok(directives.size > 10);
    for (const directive of directives) assert.ok(section.includes(`\`${directive}`), `the nginx section explains ${directive}`);
  });
});

describe('the Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const runtime = [...stages.values()].at(-1)!;
  const runs = (stage: string) => (stages.get(stage) ?? []).filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);

  it('builds with the dev dependencies and runs with the production ones alone, better-sqlite3 built natively for both', () => {
    assert.deepEqual([...stages.keys()], ['build', 'dependencies', 'runtime']);
    assert.ok(
      runs('build').some((run) => / npm ci$/.test(run)),
      'the build stage installs everything, which runs npm run build',
    );
    assert.ok(runs('dependencies').some((run) => run.includes('npm ci --omit=dev') && run.includes('npm rebuild better-sqlite3')));
    const copies = runtime.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.args);
    assert.ok(copies.includes('--from=dependencies /app/node_modules ./node_modules'), 'node_modules come from the production stage');
    assert.ok(!copies.some((copy) => copy.startsWith('--from=build') && copy.includes('node_modules')), 'no dev dependency reaches the image');
    for (const stage of stages.values()) assert.match(stage[0]!.args, /^\$\{NODE_IMAGE\}/, 'every stage on the same Node');
    const nodeMajor = /node:(\d+)-/.exec(read('Dockerfile'))![1];
    assert.equal(nodeMajor, /(\d+)/.exec(JSON.parse(read('package.json')).engines.node as string)![1], 'the Node major of package.json engines');
  });

  it('runs dist/server/main.js as the node user under tini, probed on /readyz at the port it listens on', () => {
    const last = (keyword: string) => runtime.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
    assert.equal(last('USER'), 'node');
    assert.equal(last('ENTRYPOINT'), '["/usr/bin/tini", "--"]');
    assert.ok(runs('runtime').some((run) => run.includes('apt-get install -y --no-install-recommends tini')));
    assert.equal(last('CMD'), '["node", "dist/server/main.js"]');
    assert.ok(existsSync(`${root}/src/server/main.ts`), 'dist/server/main.js is built from src/server/main.ts');
    const env = envOf(runtime);
    for (const name of env.keys()) assert.ok(KNOWN_VARIABLES.has(name), `${name} is a setting the server reads`);
    assert.equal(last('EXPOSE'), env.get('PORT'));
    assert.match(last('HEALTHCHECK')!, /process\.env\.PORT \+ '\/readyz'/);
  });
});

describe('compose.yaml', () => {
  // Merge keys (`<<: *server`) as Compose reads them.
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        network_mode?: string;
        environment?: Record<string, string>;
        ports?: string[];
        volumes?: string[];
        stop_grace_period?: string;
        depends_on?: Record<string, { condition: string }>;
      }
    >;
  };
  const servers = Object.entries(compose.services).filter(([, service]) => service.build === '.');
  const { upstreams, listen } = nginxConfig();

  it('runs nginx with the shipped configuration, in front of two servers at the addresses it names', () => {
    const nginx = compose.services.nginx!;
    assert.deepEqual(nginx.volumes, ['./deploy/nginx/ovation.conf:/etc/nginx/conf.d/default.conf:ro']);
    assert.ok(nginx.ports?.some((port) => port.endsWith(`:${listen}`)));
    assert.equal(servers.length, 2);
    for (const [, server] of servers) assert.equal(server.network_mode, 'service:nginx', 'on nginx loopback, as in the nginx test');
    assert.deepEqual(
      servers.map(([, server]) => `${server.environment!.HOST}:${server.environment!.PORT}`),
      upstreams,
    );
  });

  it('gives the servers settings that exist: PostgreSQL, the Redis bus, nginx as the trusted proxy, a grace period above the shutdown timeout, the metrics token from the environment', () => {
    for (const [name, server] of servers) {
      const environment = server.environment!;
      for (const variable of Object.keys(environment)) assert.ok(KNOWN_VARIABLES.has(variable), `${name}: ${variable} is a setting the server reads`);
      assert.match(environment.DATABASE_URL!, /^postgres:\/\/[^@]+@postgres:5432\//);
      assert.equal(environment.BUS_URL, 'redis://redis:6379');
      assert.equal(environment.TRUST_PROXY, '127.0.0.1');
      // A secret the file does not hold: unset, GET /metrics does not exist.
      assert.equal(environment.METRICS_TOKEN, '${METRICS_TOKEN:-}');
      assert.ok(Number.parseInt(server.stop_grace_period!, 10) * 1000 > Number(environment.SHUTDOWN_TIMEOUT_MS));
      assert.equal(server.depends_on?.postgres?.condition, 'service_healthy');
      assert.equal(server.depends_on?.redis?.condition, 'service_healthy');
    }
    assert.ok(compose.services.postgres && compose.services.redis);
  });
});
