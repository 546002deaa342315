// Files written from the source (docs/configuration.md's settings, docs/errors.md, the room protocol's
// schemas): how their scripts write them, or with --check (npm run lint) fail while they differ.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** `path`'s text with what stands between `begin` and `end` replaced by `section` (markers included); exits 2 without them. */
export function withSection(path: string, begin: string, end: string, section: string): string {
  const current = readFileSync(path, 'utf8');
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from === -1 || to < from) {
    console.error(`${relative(process.cwd(), path)} needs the markers ${begin} and ${end} around what is written into it`);
    process.exit(2);
  }
  return current.slice(0, from) + section + current.slice(to + end.length);
}

/**
 * Writes `text` to `path` when it differs; with --check on the command line writes nothing and exits 1 when
 * it differs, telling `fix`, the command that rewrites it.
 */
export function writeOrCheck(path: string, text: string, fix: string): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current === text) return;
  const name = relative(process.cwd(), path);
  if (process.argv.includes('--check')) {
    console.error(`${name} is not what its source gives; run \`${fix}\``);
    process.exit(1);
  }
  writeFileSync(path, text);
  console.log(`wrote ${name}`);
}
