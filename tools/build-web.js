// `npm start`'s page build: web/*.ts → public/js, file by file with TypeScript's own emitter
// (ts.transpileModule) and the options of web/tsconfig.json. The output is what
// `tsc -p web/tsconfig.json` writes (isolatedModules there guarantees it), in about half the time
// on a fresh clone, because nothing is type-checked: `npm run typecheck` and `npm run build` do that.
// Like build:web it empties public/js first: whatever is left there is served.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const configPath = path.join(__dirname, '..', 'web', 'tsconfig.json');
const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config ?? {}, ts.sys, path.dirname(configPath));
const problems = [...(error ? [error] : []), ...parsed.errors];
fs.rmSync(parsed.options.outDir, { recursive: true, force: true });

for (const fileName of parsed.fileNames) {
  if (fileName.endsWith('.d.ts')) continue; // types only (web/generated/api.d.ts): tsc emits nothing
  const output = ts.transpileModule(fs.readFileSync(fileName, 'utf8'), {
    compilerOptions: parsed.options,
    fileName,
    reportDiagnostics: true,
  });
  problems.push(...(output.diagnostics ?? []));
  const relative = path.relative(parsed.options.rootDir, fileName).replace(/\.ts$/, '.js');
  const target = path.join(parsed.options.outDir, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, output.outputText);
  if (output.sourceMapText) fs.writeFileSync(`${target}.map`, output.sourceMapText);
}

if (problems.length > 0) {
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  };
  process.stderr.write(ts.formatDiagnostics(problems, host));
  process.exitCode = 1;
}
