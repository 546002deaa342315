import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nginx configuration docs/deployment.md ships, used as it is but for its ports. */
export const SHIPPED_NGINX_CONFIG = fileURLToPath(new URL('../../../deploy/nginx/ovation.conf', import.meta.url));

const DEFAULT_NGINX_PATH = '/usr/sbin/nginx';
/** Debian's libnginx-mod-rtmp. */
export const RTMP_MODULE_PATH = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

function nginxPath(): string {
  return process.env.NGINX_PATH || DEFAULT_NGINX_PATH;
}

/**
 * undefined when nginx can be run (Debian's package at /usr/sbin/nginx, or $NGINX_PATH), else the reason to skip.
 * Under CI=true a missing nginx is an error, so CI can never pass by skipping.
 */
export function nginxSkipReason(): string | undefined {
  try {
    accessSync(nginxPath(), constants.X_OK);
    return undefined;
  } catch {
    const reason = `nginx not found at ${nginxPath()} (install Debian's nginx package, or set NGINX_PATH)`;
    if (process.env.CI === 'true') throw new Error(`${reason}. CI=true requires nginx for the proxy suite.`);
    console.warn(`SKIPPING the nginx suite: ${reason}`);
    return reason;
  }
}

/** One request as nginx logged it: which upstreams it tried, in order, and what it answered. */
export interface ProxiedRequest {
  method: string;
  uri: string;
  status: number;
  /** `127.0.0.1:3000`, or `127.0.0.1:3000, 127.0.0.1:3001` when the first could not take it. */
  upstreams: string[];
}

export interface RunningNginx {
  url: string;
  /** Requests logged so far: nginx logs a request when it ends, a socket when it closes. */
  requests(): ProxiedRequest[];
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** Where the media server's callbacks are passed on from: a port of the callback server of the shipped configuration. */
  callbackPort: number;
  /** Replaces the shipped callback secret, as the operator does. */
  callbackSecret?: string;
  /** Replaces the shipped HLS folder. */
  hlsDir?: string;
  /** Configuration at nginx's top level, after the http block: the media server's. */
  mainContext?: string;
}

/**
 * Runs nginx on 127.0.0.1:`port` with the shipped configuration in front of servers on `upstreamPorts`, as the
 * current user: its own prefix, pid file, logs and temporary paths, in the foreground and without worker processes.
 */
export async function startNginx(port: number, upstreamPorts: readonly [number, number], options: NginxOptions): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'ovation-nginx-'));
  const site = templated(
    readFileSync(SHIPPED_NGINX_CONFIG, 'utf8'),
    [
      ['listen 80;', `listen 127.0.0.1:${port};`],
      ['server 127.0.0.1:3000 ', `server 127.0.0.1:${upstreamPorts[0]} `],
      ['server 127.0.0.1:3001 ', `server 127.0.0.1:${upstreamPorts[1]} `],
      ['listen 127.0.0.1:8935;', `listen 127.0.0.1:${options.callbackPort};`],
      ...(options.callbackSecret === undefined ? [] : ([['CHANGE-ME-STREAM_CALLBACK_SECRET', options.callbackSecret]] as const)),
      ...(options.hlsDir === undefined ? [] : ([['alias /var/lib/ovation/hls/;', `alias ${options.hlsDir}/;`]] as const)),
    ],
    SHIPPED_NGINX_CONFIG,
  );
  writeFileSync(join(dir, 'ovation.conf'), site);
  const accessLog = join(dir, 'access.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${
      options.mainContext === undefined
        ? ''
        : `load_module ${RTMP_MODULE_PATH};
`
    }daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 512; }
http {
  log_format upstreams '$request_method\\t$request_uri\\t$status\\t$upstream_addr';
  access_log ${accessLog} upstreams;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include ${join(dir, 'ovation.conf')};
}
${options.mainContext ?? ''}
`,
  );
  writeFileSync(accessLog, '');
  const child = spawn(nginxPath(), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilListening(url, child, () => `${stderr}${readFileSync(join(dir, 'error.log'), 'utf8')}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    requests: () =>
      readFileSync(accessLog, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [method = '', uri = '', status = '', upstreams = ''] = line.split('\t');
          return { method, uri, status: Number(status), upstreams: upstreams.split(', ') };
        }),
    stop,
  };
}

/** The text of `file` with each `[from, to]` replaced; each `from` must occur exactly once, so a changed shipped file fails here. */
export function templated(text: string, replacements: readonly (readonly [string, string])[], file: string): string {
  for (const [from, to] of replacements) {
    assert.equal(text.split(from).length, 2, `${file} must hold "${from}" exactly once`);
    text = text.replace(from, to);
  }
  return text;
}

async function untilListening(url: string, child: ChildProcess, errors: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${errors()}`);
    try {
      // Any answer will do: the servers behind may not be up yet.
      await fetch(`${url}/healthz`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${url} within 10 s: ${errors()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
