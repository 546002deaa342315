// Writes the list of environment variables in docs/configuration.md, between its markers, from the
// settings' declarations (src/server/settings.ts gathers every module's); the prose around it is kept.
//
//   npx tsx scripts/config-docs.ts           rewrite the list
//   npx tsx scripts/config-docs.ts --check   exit 1 when the file differs from what the declarations give (npm run lint)
import { fileURLToPath } from 'node:url';
import type { Setting } from '../src/config/index.js';
import { SETTINGS } from '../src/server/settings.js';
import { withSection, writeOrCheck } from './generated-files.js';

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

writeOrCheck(DOC, withSection(DOC, BEGIN, END, renderSettings(SETTINGS)), 'npx tsx scripts/config-docs.ts');
