// Writes the list of environment variables in docs/configuration.md, between its markers, from the
// settings' declarations (src/server/settings.ts gathers every module's); the prose around it is kept.
//
//   npx tsx scripts/config-docs.ts           rewrite the list
//   npx tsx scripts/config-docs.ts --check   exit 1 when the file differs from what the declarations give (npm run lint)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Setting } from '../src/config/index.js';
import { SETTINGS } from '../src/server/settings.js';

const DOC = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const BEGIN = '<!-- settings:begin -->';
const END = '<!-- settings:end -->';

function defaultOf(setting: Setting<unknown>): string {
  if (setting.default === undefined) return 'none (unset)';
  return setting.default === '' ? 'empty' : `\`${setting.default}\``;
}

function kindOf(setting: Setting<unknown>): string {
  return setting.allowed === undefined ? setting.type : `${setting.type}: ${setting.allowed}`;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

function renderSettings(settings: readonly Setting<unknown>[]): string {
  const summary = [
    '| variable | value | default | module |',
    '| --- | --- | --- | --- |',
    ...settings.map((setting) => `| [\`${setting.name}\`](#${setting.name.toLowerCase()}) | ${cell(kindOf(setting))} | ${cell(defaultOf(setting))} | ${setting.module} |`),
  ];
  const sections = settings.map((setting) =>
    [
      `### \`${setting.name}\``,
      '',
      `- **value**: ${kindOf(setting)}`,
      `- **default**: ${defaultOf(setting)}`,
      `- **module**: \`src/${setting.module}\``,
      ...(setting.secret ? ['- **secret**: treat it like a password; keep it out of logs and shared files'] : []),
      '',
      setting.description,
    ].join('\n'),
  );
  return [
    BEGIN,
    "<!-- Written by scripts/config-docs.ts from the settings' declarations: edit those, then run `npx tsx scripts/config-docs.ts`. -->",
    '',
    summary.join('\n'),
    '',
    sections.join('\n\n'),
    '',
    END,
  ].join('\n');
}

const current = readFileSync(DOC, 'utf8');
const begin = current.indexOf(BEGIN);
const end = current.indexOf(END);
if (begin === -1 || end < begin) {
  console.error(`config-docs: docs/configuration.md needs the markers ${BEGIN} and ${END} around the list of variables`);
  process.exit(2);
}
const written = current.slice(0, begin) + renderSettings(SETTINGS) + current.slice(end + END.length);
if (process.argv.includes('--check')) {
  if (written !== current) {
    console.error("config-docs: docs/configuration.md does not match the settings' declarations; run `npx tsx scripts/config-docs.ts`");
    process.exit(1);
  }
} else if (written !== current) {
  writeFileSync(DOC, written);
}
