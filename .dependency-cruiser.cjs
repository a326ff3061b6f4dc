// The module boundaries of docs/architecture.md (and /work/shared/DESIGN.md), checked:
// `npm run deps:check`, and in CI after lint. A rule here is a promise the code keeps, not a wish:
// if one must change, change the design text with it.

// Every feature module, present or coming: the shared layers below must not know any of them.
const FEATURES =
  'auth|users|phone-verification|sms|health|members|page|rate-limit|fraud|admin|metrics';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-layer-imports-feature',
      comment:
        'common/, config/ and database/ sit under every feature: they import no feature module ' +
        '(a feature hands them what they need, e.g. as a provider or a parameter).',
      severity: 'error',
      from: { path: '^src/(common|config|database)/' },
      to: { path: `^src/(${FEATURES})/` },
    },
    {
      name: 'sms-imports-its-callers',
      comment:
        'sms/ sends messages for others: it imports nothing of phone-verification/, auth/ or users/.',
      severity: 'error',
      from: { path: '^src/sms/' },
      to: { path: '^src/(phone-verification|auth|users)/' },
    },
    {
      name: 'users-imports-auth-or-verification',
      comment:
        'users/ is below auth/ and phone-verification/ (they call UsersService): it imports nothing of them.',
      severity: 'error',
      from: { path: '^src/users/' },
      to: { path: '^src/(auth|phone-verification)/' },
    },
    {
      name: 'migration-imports-entity',
      comment:
        'A migration is frozen SQL: it must not change when an entity does, so it imports no entity.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '\\.entity\\.ts$' },
    },
    {
      name: 'production-imports-dev-code',
      comment:
        'Production code (src/, not its *.spec.ts) never loads test/, bench/ or tools/: none of them ' +
        'ships, and test code in a production path runs in production.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|bench|tools)/' },
    },
    {
      name: 'unit-spec-imports-dev-code',
      comment:
        'A unit spec beside the code may use the shared test helpers (test/support, test/fakes), ' +
        'nothing else outside src/: not e2e specs, bench/ or tools/.',
      severity: 'error',
      from: { path: '^src/.+\\.spec\\.ts$' },
      to: { path: '^(test|bench|tools)/', pathNot: '^test/(support|fakes)/' },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles in src/: a cycle is two modules that cannot be read, tested or moved apart.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports couple modules too (an interface moved means both change)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
