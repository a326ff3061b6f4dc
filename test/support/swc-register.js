// A require hook that compiles the TypeScript sources with SWC as they load, so tests can run the
// real server as a process (`node -r ./test/support/swc-register.js src/main.ts`) without a build
// step. Same settings as jest.config.js: legacy decorators with metadata, CommonJS. Dynamic
// import() stays native, for the ESM-only packages loaded that way (PGlite).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

// Compiled output is cached by content, so the second and later processes of a run boot without
// compiling anything (several start at once under a loaded test run).
const CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'swc-register');
fs.mkdirSync(CACHE_DIR, { recursive: true });

const OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs', ignoreDynamic: true },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, { ...OPTIONS, filename }).code;
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached); // atomic: a concurrent reader sees all of it or nothing
  }
  module._compile(code, filename);
};
