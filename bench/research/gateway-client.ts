import axios from 'axios';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { join } from 'node:path';
import { GatewayHttp } from '../../src/sms/gateways/gateway-http';
import { table } from '../report';
import { SPARROW_FROM, SPARROW_TOKEN } from '../sms-inbox';

/**
 * The cost of the send's call to its SMS gateway, by HTTP client, against the fake Sparrow
 * server in a process of its own: the same form POST through
 *
 * - `node:http` with a keep-alive agent (what the floor server sends);
 * - `GatewayHttp.exchange`, the app's path: node:http with its ledger agents (unreached vs
 *   unknown), timeout signal, size cap and body parsing;
 * - axios with the options the app's path used until 2026-12-02 (through @nestjs/axios);
 * - `fetch` (undici).
 *
 * Each runs REQUESTS requests, CONCURRENCY at a time, twice (the first a warm-up); reported:
 * req/s and this process's CPU per request.
 *
 *   npx tsx bench/research/gateway-client.ts   (GATEWAY_REQUESTS, GATEWAY_CONCURRENCY)
 */

const REQUESTS = Number(process.env.GATEWAY_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.GATEWAY_CONCURRENCY ?? 50);

function form(n: number): Record<string, string> {
  return {
    token: SPARROW_TOKEN,
    from: SPARROW_FROM,
    to: `98${String(n % 1e8).padStart(8, '0')}`,
    text: `Your code is ${String(n % 1e6).padStart(6, '0')}`,
  };
}

type Client = (url: string, n: number) => Promise<unknown>;

function plainHttp(): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return (base, n) =>
    new Promise((resolve, reject) => {
      const body = new URLSearchParams(form(n)).toString();
      const url = new URL('/v2/sms/', base);
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve(JSON.parse(text)));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

function gatewayHttp(): Client {
  const gateway = new GatewayHttp();
  return async (base, n) => {
    const exchange = await gateway.exchange(
      { method: 'POST', url: new URL('/v2/sms/', base).toString(), form: form(n) },
      5000,
    );
    if (exchange.kind !== 'answered') throw new Error(exchange.reason);
    return exchange;
  };
}

function axiosAsBefore(): Client {
  const instance = axios.create();
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
  return async (base, n) => {
    const response = await instance.request<unknown>({
      method: 'POST',
      url: new URL('/v2/sms/', base).toString(),
      data: new URLSearchParams(form(n)).toString(),
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      adapter: 'http',
      httpAgent: agent,
      timeout: 5000,
      signal: AbortSignal.timeout(5000),
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: 64 * 1024,
    });
    return JSON.parse(response.data as string) as unknown;
  };
}

function undiciFetch(): Client {
  return async (base, n) => {
    const response = await fetch(new URL('/v2/sms/', base), {
      method: 'POST',
      body: new URLSearchParams(form(n)),
      signal: AbortSignal.timeout(5000),
    });
    return response.json();
  };
}

async function measure(client: Client, url: string): Promise<{ rps: number; cpuUs: number }> {
  let next = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await client(url, next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: REQUESTS / seconds, cpuUs: (used.user + used.system) / REQUESTS };
}

async function main(): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'gateway', 'sparrow-child.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const [data] = (await once(child.stdout, 'data')) as [Buffer];
    const url = data.toString().trim();
    const clients: Array<[string, Client]> = [
      ['node:http (the floor)', plainHttp()],
      ['GatewayHttp.exchange (node:http, the app)', gatewayHttp()],
      ['axios, as the app until 2026-12-02', axiosAsBefore()],
      ['fetch (undici)', undiciFetch()],
    ];
    const rows: string[][] = [['client', 'req/s', 'client CPU µs/req', 'vs node:http CPU']];
    let base = 0;
    for (const [name, client] of clients) {
      await measure(client, url); // warm-up
      const { rps, cpuUs } = await measure(client, url);
      base ||= cpuUs;
      rows.push([name, rps.toFixed(0), cpuUs.toFixed(0), `${(cpuUs / base).toFixed(2)}×`]);
      process.stdout.write(`${name}: ${rps.toFixed(0)} req/s, ${cpuUs.toFixed(0)} µs/req\n`);
    }
    process.stdout.write(
      `\n${REQUESTS} requests, ${CONCURRENCY} at a time, after as many to warm up\n${table(rows)}\n`,
    );
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
