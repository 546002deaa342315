// The import rules of src/ (shared/DESIGN.md, "The shape of the system"). A module is a folder directly
// under src/. scripts/check-module-rules.mjs runs them in `npm run lint`, beside table ownership, and
// holds the list of violations that predate them.

/**
 * Composition roots: they assemble the modules, so they may import any of them. The database's schema and
 * migration list gather each module's table types and migrations from the files that hold them, not
 * through the modules' indexes, which would load (and type-check) every module's routes with them.
 */
const ROOTS = ['^src/server/', '^src/cli/', '^src/torture/', '^src/db/schema\\.ts$', '^src/db/migrate\\.ts$'];
/** A module's HTTP adapter: its routes speak HTTP through src/server's helpers. */
const ROUTES = ['(^|/)routes\\.ts$', '-routes\\.ts$', '^src/[^/]+/routes/'];

export default {
  forbidden: [
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Data flows one way, top to bottom: two modules that import each other cannot be understood, tested or replaced apart.',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'no-file-cycle',
      severity: 'error',
      comment: 'Files that import each other load in an order that depends on who imports first.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-imports-no-server',
      severity: 'error',
      comment: 'Only src/server knows HTTP: domain code throws DomainError (src/shared/errors.ts) and server maps it.',
      from: { path: '^src/[^/]+/', pathNot: [...ROOTS, ...ROUTES] },
      to: { path: '^src/server/' },
    },
    {
      name: 'through-module-index',
      severity: 'error',
      comment: "A module reaches another through the other's index.ts, the surface it chose to show, never its files.",
      from: { path: '^src/([^/]+)/', pathNot: [...ROOTS] },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/shared/', '^src/server/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests and test helpers may reach inside any module: they check it from the outside.
    exclude: { path: ['\\.test\\.ts$', '/testing/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'], mainFields: ['module', 'main', 'types'] },
  },
};
