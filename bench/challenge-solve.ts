// `npm run bench:challenge`: how long the sign-up page takes to get and solve a proof-of-work
// challenge in Chromium on this machine, with the parameters the service hands out (COST and
// MAX_COUNTER of src/fraud/challenge/proof-of-work.ts), and what a check costs the server.
// Needs `npm run build:web` (the page's compiled scripts) and Debian's chromium.
import { randomBytes, randomInt } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import {
  ALGORITHM,
  COST,
  createSignedChallenge,
  MAX_COUNTER,
  solutionIsValid,
  decodePayload,
} from '../src/fraud/challenge/proof-of-work';
import {
  PROOF_OF_WORK_SCRIPTS,
  proofOfWorkScriptsDirectory,
} from '../src/page/proof-of-work-scripts';

const SOLVES = Number(process.env.CHALLENGE_BENCH_SOLVES ?? 40);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PUBLIC_JS = join(__dirname, '..', 'public', 'js');
const SECRET = randomBytes(32).toString('base64url');

function sendFile(res: ServerResponse, path: string): void {
  res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
  createReadStream(path).pipe(res);
}

/** The page's scripts, altcha-lib's browser files and GET /v1/challenges, as the service serves them. */
function startServer() {
  const vendor = new Set(PROOF_OF_WORK_SCRIPTS.map((file) => `/vendor/altcha/${file}`));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/v1/challenges') {
      void createSignedChallenge(
        SECRET,
        new Date(Date.now() + 300_000),
        randomInt(MAX_COUNTER),
      ).then((challenge) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(challenge));
      });
    } else if (vendor.has(path)) {
      sendFile(res, join(proofOfWorkScriptsDirectory(), path.slice('/vendor/altcha/'.length)));
    } else if (
      path.startsWith('/js/') &&
      !path.includes('..') &&
      existsSync(join(PUBLIC_JS, path.slice(4)))
    ) {
      sendFile(res, join(PUBLIC_JS, path.slice(4)));
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>proof of work</title>');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise<{ url: string; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function row(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const cell = (ms: number) => `${Math.round(ms)} ms`.padStart(8);
  return `| ${label.padEnd(28)} | ${cell(quantile(sorted, 0.5))} | ${cell(mean)} | ${cell(quantile(sorted, 0.9))} | ${cell(sorted[sorted.length - 1])} |`;
}

async function main(): Promise<void> {
  if (!existsSync(join(PUBLIC_JS, 'proof-of-work.js'))) {
    throw new Error('public/js/proof-of-work.js is missing: run `npm run build:web` first.');
  }
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const cores = await page.evaluate<number>('navigator.hardwareConcurrency');
    const solveMs: number[] = [];
    const verifyMs: number[] = [];
    for (let i = 0; i < SOLVES; i++) {
      // A string, not a function: the page must not see this file's compiled imports.
      const { ms, payload } = await page.evaluate<{ ms: number; payload: string }>(`(async () => {
        const started = performance.now();
        const solver = await import('/js/proof-of-work.js');
        const payload = await solver.solveProofOfWork('/v1/challenges');
        return { ms: performance.now() - started, payload };
      })()`);
      solveMs.push(ms);
      const decoded = decodePayload(payload);
      const started = performance.now();
      const valid = decoded !== undefined && (await solutionIsValid(decoded, SECRET));
      verifyMs.push(performance.now() - started);
      if (!valid) throw new Error(`solve ${i + 1} produced a solution the server refuses`);
    }
    console.log(
      `Proof of work: ${ALGORITHM}, cost ${COST}, counter below ${MAX_COUNTER}; ` +
        `${SOLVES} solves in Chromium (navigator.hardwareConcurrency = ${cores}), each fetch + solve.`,
    );
    console.log('');
    console.log('| | median | mean | p90 | max |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(row('page: fetch + solve (workers)', solveMs));
    console.log(row('server: verify one solution', verifyMs));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
