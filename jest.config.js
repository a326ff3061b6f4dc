const fs = require('node:fs');
const path = require('node:path');
const { swcOptions } = require('./tools/swc-options');

// Jest runs TypeScript through SWC (no type-check here: `npm run typecheck` does that), with the
// same settings as the start hook (tools/swc-options.js).
// Nest 12 and several of its dependencies ship ESM only, which Jest on Node 20 cannot require;
// SWC rewrites exactly those packages (every "type": "module" package installed) to CommonJS.
// PGlite needs `node --experimental-vm-modules` for its own import().
const swc = (syntax) => ['@swc/jest', swcOptions(syntax)];

function esmPackages(root) {
  const found = new Set();
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(full);
        continue;
      }
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'));
        if (manifest.type === 'module')
          found.add(path.relative(root, full).split(path.sep).join('/'));
      } catch {
        // not a package
      }
      visit(path.join(full, 'node_modules'));
    }
  };
  visit(root);
  return [...found].map((name) => name.replace(/^.*node_modules\//, ''));
}

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const esm = [...new Set(esmPackages(path.join(__dirname, 'node_modules')))].map(escape).join('|');

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testRegex: '(src|test)/.*\\.(spec|service-spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.ts$': swc('typescript'), '^.+\\.m?js$': swc('ecmascript') },
  // skip node_modules files unless their innermost package is ESM
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${esm})/)`],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
