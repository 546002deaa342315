import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readSetting } from '../config/index.js';
import { loadSettings, SETTINGS } from './settings.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));
/** Tests and their helpers read variables of their own (DATABASE_URL_TEST_PG, CI…), listed by hand in docs/configuration.md. */
const isTestCode = (file: string): boolean => file.endsWith('.test.ts') || file.split('/').includes('testing') || file.startsWith('torture/');
/** The one place a variable is read by a computed name: readSetting, with a declaration's name. */
const READER = 'config/setting.ts';

function productionSources(): { file: string; text: string }[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(SRC, join(entry.parentPath, entry.name)))
    .filter((file) => !isTestCode(file))
    .map((file) => ({ file, text: readFileSync(join(SRC, file), 'utf8') }));
}

describe('settings', () => {
  it('declares every variable src/ reads, once', () => {
    const declared = SETTINGS.map((setting) => setting.name);
    assert.deepEqual(declared, [...new Set(declared)], 'a variable declared twice');
    const reads = /\b(?:process\.env|env)(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;
    const computed = /\b(?:process\.env|env)\[\s*(?!['"])/;
    for (const { file, text } of productionSources()) {
      for (const match of text.matchAll(reads)) {
        const name = match[1] ?? match[2]!;
        assert.ok(declared.includes(name), `${file} reads ${name}, which no module declares (declare it and read it with readSetting)`);
      }
      if (file !== READER) assert.doesNotMatch(text, computed, `${file} reads a variable by a computed name: declare it and read it with readSetting`);
    }
  });

  it('describes each variable for docs/configuration.md', () => {
    const modules = new Set(
      readdirSync(SRC, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name),
    );
    for (const setting of SETTINGS) {
      assert.match(setting.name, /^[A-Z][A-Z0-9_]*$/);
      assert.ok(modules.has(setting.module), `${setting.name}: module ${setting.module} is not a folder of src/`);
      assert.ok(setting.description.trim().length > 0, `${setting.name} has no description`);
    }
  });

  it('takes every default, and words a refused whole number the same way for every variable', () => {
    assert.doesNotThrow(() => loadSettings({}));
    for (const setting of SETTINGS.filter(({ type }) => type === 'whole number')) {
      assert.throws(
        () => readSetting({ [setting.name]: 'lots' }, setting),
        (error: unknown) => error instanceof ConfigError && error.message === `${setting.name}: expected a whole number from ${setting.allowed}, got "lots"`,
        setting.name,
      );
    }
  });
});
