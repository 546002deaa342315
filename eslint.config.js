import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    // The web app's components: TypeScript inside, run in the browser.
    files: ['web/**/*.svelte', 'web/**/*.svelte.ts'],
    languageOptions: { globals: globals.browser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      // What the markup shows is $state; plain Maps, Sets and Dates hold bookkeeping it never reads (timers, keys, seen ids).
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', setImmediate: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      // A module adds its tables to the database's Schema with `interface Schema extends ModuleSchema {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // The typed client and the web app's TypeScript build on the API's document (client/), never on the server's code.
    files: ['client/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.svelte'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./){2,}src/', message: 'Use the typed client (client/src) instead of the server’s code.' }] }],
    },
  },
  {
    // Rules that need the types: a promise nobody awaits loses its errors, and a switch over a union that
    // misses a member lets a new kind, status or event pass unhandled.
    files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe and it register tests; the runner awaits them.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
    },
  },
  {
    // The payment path, which every gift takes. On Node 20 (V8 11.3, the Docker image's runtime) an object spread
    // followed by more properties or another spread leaves the fast path and costs 1 to 3 µs, against tens of
    // nanoseconds for the same object written out or built with Object.assign (see docs/performance.md).
    files: [
      'src/accounts/authorization.ts',
      'src/accounts/sessions.ts',
      'src/bus/**/*.ts',
      'src/fan-clubs/fan-clubs.ts',
      'src/gifts/payments.ts',
      'src/gifts/sending.ts',
      'src/gifts/send-routes.ts',
      'src/goals/goals.ts',
      'src/ledger/**/*.ts',
      'src/live/fanout.ts',
      'src/outbox/**/*.ts',
      'src/server/access.ts',
      'src/stage/battles.ts',
      'src/status/**/*.ts',
    ],
    // Route files build their schemas once, at registration.
    ignores: ['**/*.test.ts', '**/testing/**', '**/migrations.ts', '**/routes.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':function ObjectExpression:has(> SpreadElement ~ :matches(Property, SpreadElement))',
          message: 'On Node 20 an object spread followed by more properties is slow: write the properties out, or use Object.assign.',
        },
      ],
    },
  },
);
