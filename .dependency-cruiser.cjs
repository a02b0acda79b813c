/** Module boundaries of Bureau (see README, "Project layout"). */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Cycles make modules impossible to reason about one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-never-imports-modules',
      severity: 'error',
      comment: 'platform/ is infrastructure shared by every module; it knows none of them.',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-only-through-index',
      severity: 'error',
      comment: "A module uses another module only through that module's index.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-uses-modules-only-through-index',
      severity: 'error',
      comment: 'app.ts, main.ts, tests in test/ and bench/ reach a module only through its index.ts.',
      from: { path: '^(src/[^/]+\\.ts|test/|bench/)' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|\\.test\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
}
