import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxSkipReason, RTMP_MODULE_PATH, startNginx, templated } from '../../server/testing/nginx.js';
import { freePort } from '../../server/testing/process.js';

/** The nginx-rtmp configuration docs/streaming.md ships, used as it is but for its ports and folder. */
const SHIPPED_RTMP_CONFIG = fileURLToPath(new URL('../../../deploy/nginx/rtmp.conf', import.meta.url));
const FFMPEG_PATH = process.env.FFMPEG_PATH || '/usr/bin/ffmpeg';

/**
 * undefined when the media server suite can run: nginx (see nginxSkipReason), Debian's libnginx-mod-rtmp and ffmpeg;
 * else the reason to skip. Under CI=true anything missing is an error, so CI can never pass by skipping.
 */
export function mediaServerSkipReason(): string | undefined {
  const nginx = nginxSkipReason();
  if (nginx) return nginx;
  for (const [path, what] of [
    [RTMP_MODULE_PATH, "nginx's RTMP module (install Debian's libnginx-mod-rtmp)"],
    [FFMPEG_PATH, "ffmpeg (install Debian's ffmpeg, or set FFMPEG_PATH)"],
  ] as const) {
    try {
      accessSync(path, constants.R_OK);
    } catch {
      const reason = `${what} not found at ${path}`;
      if (process.env.CI === 'true') throw new Error(`${reason}. CI=true requires it for the streaming suite.`);
      console.warn(`SKIPPING the streaming suite: ${reason}`);
      return reason;
    }
  }
  return undefined;
}

export interface RunningMediaServer {
  /** The web address: the app, the HLS under /hls/, as in production. */
  url: string;
  stop(): Promise<void>;
}

/** The media server's public ports, chosen before the server starts: PUBLIC_URL and STREAM_INGEST_URL name them. */
export interface MediaServerPorts {
  /** The web server's: the app, and the HLS under /hls/. */
  webPort: number;
  rtmpPort: number;
}

export async function mediaServerPorts(): Promise<MediaServerPorts> {
  return { webPort: await freePort(), rtmpPort: await freePort() };
}

/**
 * nginx with the shipped ovation.conf in front of the server on `appPort`, and the shipped rtmp.conf, as the current user
 * on `ports` and one port more for the callbacks: RTMP in, HLS out, publish callbacks passed on with `callbackSecret`.
 */
export async function startMediaServer(ports: MediaServerPorts, appPort: number, callbackSecret: string): Promise<RunningMediaServer> {
  const { webPort, rtmpPort } = ports;
  const hlsDir = mkdtempSync(join(tmpdir(), 'streaming-hls-'));
  const callbackPort = await freePort();
  const callbacks = `http://127.0.0.1:${callbackPort}/`;
  const rtmp = templated(
    readFileSync(SHIPPED_RTMP_CONFIG, 'utf8'),
    [
      ['listen 1935;', `listen 127.0.0.1:${rtmpPort};`],
      ['on_publish http://127.0.0.1:8935/', `on_publish ${callbacks}`],
      ['on_update http://127.0.0.1:8935/', `on_update ${callbacks}`],
      ['on_publish_done http://127.0.0.1:8935/', `on_publish_done ${callbacks}`],
      ['hls_path /var/lib/ovation/hls;', `hls_path ${hlsDir};`],
    ],
    SHIPPED_RTMP_CONFIG,
  );
  const nginx = await startNginx(webPort, [appPort, appPort], { callbackPort, callbackSecret, hlsDir, mainContext: rtmp });
  return {
    url: nginx.url,
    async stop() {
      await nginx.stop();
      rmSync(hlsDir, { recursive: true, force: true });
    },
  };
}

export interface Publisher {
  /** Settles when ffmpeg exits, with its code and the end of what it wrote. */
  exited: Promise<{ code: number | null; log: string }>;
  stop(): Promise<void>;
}

/** ffmpeg publishing a test pattern with a tone, as OBS would (H.264 with a keyframe every second, AAC), to `url`. */
export function publishTestPattern(url: string): Publisher {
  const child: ChildProcess = spawn(
    FFMPEG_PATH,
    [
      ...['-hide_banner', '-loglevel', 'warning', '-re'],
      ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '30', '-c:a', 'aac', '-b:a', '64k'],
      ...['-f', 'flv', url],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  const exited = new Promise<{ code: number | null; log: string }>((resolve) => child.once('close', (code) => resolve({ code, log })));
  return {
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
