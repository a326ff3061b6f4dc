// A require hook that compiles the TypeScript sources with SWC as they load, so the server runs
// from src/ without a build step: `npm start` and the tests that start it as a process
// (`node -r ./tools/swc-register.js src/main.ts`). Settings from tools/swc-options.js, shared with
// jest; dynamic import() stays native here, for the ESM-only packages loaded that way (PGlite).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');
const { swcOptions } = require('./swc-options');

const OPTIONS = (() => {
  const shared = swcOptions('typescript');
  return { ...shared, module: { ...shared.module, ignoreDynamic: true }, sourceMaps: 'inline' };
})();

// Compiled output is cached by content, so the second and later processes of a run boot without
// compiling anything (several start at once under a loaded test run). The key covers the options
// and the SWC version too, so changing either never serves stale output.
const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'swc-register');
fs.mkdirSync(CACHE_DIR, { recursive: true });
const SETTINGS_KEY = `${swc.version}\0${JSON.stringify(OPTIONS)}`;

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto
    .createHash('sha1')
    .update(SETTINGS_KEY)
    .update('\0')
    .update(filename)
    .update('\0')
    .update(source)
    .digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = swc.transformSync(source, { ...OPTIONS, filename }).code;
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached); // atomic: a concurrent reader sees all of it or nothing
  }
  module._compile(code, filename);
};
