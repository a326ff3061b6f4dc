#!/usr/bin/env node
// The npm registry mirror on our machines answers 404 for some native-binding packages built for
// other platforms (@swc/core-darwin-*, @unrs/resolver-binding-win32-*, ...). `npm install` then
// leaves them out of package-lock.json, and `npm ci` refuses a lock file that is missing an
// optional dependency. This adds a lock entry for each such package, with the os/cpu/libc its name
// states, so npm ci skips it on this platform and a machine on that platform fetches it as usual.
// Run it after every `npm install` that changes the lock file: `node .ci/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { URL } from 'node:url';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = [
  'darwin',
  'win32',
  'linux',
  'android',
  'freebsd',
  'openharmony',
  'netbsd',
  'openbsd',
  'sunos',
  'aix',
];
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  arm: 'arm',
  ia32: 'ia32',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.map((part) => CPU[part]).find(Boolean);
  if (!os || !cpu) return undefined;
  const entry = { os: [os], cpu: [cpu] };
  if (parts.includes('gnu') || parts.includes('gnueabihf')) entry.libc = ['glibc'];
  if (parts.includes('musl') || parts.includes('musleabihf')) entry.libc = ['musl'];
  return entry;
}

let added = 0;
for (const [path, node] of Object.entries(packages)) {
  for (const [dependency, range] of Object.entries(node.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dependency}`;
    if (packages[nested] || packages[`node_modules/${dependency}`]) continue;
    const platform = platformOf(dependency);
    if (!platform) {
      console.error(`complete-lockfile: ${dependency} is missing and its name states no platform`);
      process.exitCode = 1;
      continue;
    }
    packages[`node_modules/${dependency}`] = {
      version: range,
      ...(node.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added += 1;
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform-specific optional packages`);
