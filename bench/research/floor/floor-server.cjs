// The least a route of each kind must do, with no framework at all: node:http, pg, nothing else.
// Started by ../floor.ts; its req/s bound what any implementation of the routes can reach here.
'use strict';
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { URL } = require('node:url');
const { Pool } = require('pg');

// the app's pool size (DATABASE_POOL_SIZE), so the floors have the same connections to share
const pool = new Pool({
  connectionString: process.env.FLOOR_DATABASE_URL,
  max: Number(process.env.FLOOR_POOL_SIZE ?? 10),
});
const sink = new URL(process.env.FLOOR_SINK_URL);
const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
const ROWS = 100_000;

const READ = { name: 'floor_read', text: 'SELECT id, n FROM floor_rows WHERE id = $1' };
const WRITE = {
  name: 'floor_write',
  text: 'UPDATE floor_rows SET n = n + 1 WHERE id = $1 RETURNING n',
};
const INSERT = {
  name: 'floor_insert',
  text: 'INSERT INTO floor_log (row_id) VALUES ($1) RETURNING id',
};

const row = () => 1 + Math.floor(Math.random() * ROWS); // load spreading only, not a secret

async function withClient(work) {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

const q = (client, statement, id) => client.query({ ...statement, values: [id] });

/** One POST to the SMS sink, as the Sparrow adapter makes (form body, JSON answer). */
function postSms(id) {
  return new Promise((resolve, reject) => {
    const body = `token=${process.env.FLOOR_SPARROW_TOKEN}&from=F&to=98${String(id).padStart(8, '0')}&text=123456`;
    const request = http.request(
      {
        host: sink.hostname,
        port: sink.port,
        path: '/v2/sms/',
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
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(text));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const routes = {
  '/noop': async () => ({ status: 'ok' }),
  // /users/me: one read.
  '/read': () => withClient((c) => q(c, READ, row()).then((r) => r.rows[0])),
  // a wrong code: a read, then a conditional write.
  '/read-write': () =>
    withClient(async (c) => {
      const id = row();
      await q(c, READ, id);
      return (await q(c, WRITE, id)).rows[0];
    }),
  // a right code: a read, then two writes in one transaction.
  '/read-transaction': () =>
    withClient(async (c) => {
      const id = row();
      await q(c, READ, id);
      await c.query('BEGIN');
      await q(c, WRITE, id);
      await q(c, WRITE, 1 + (id % ROWS));
      await c.query('COMMIT');
      return { id };
    }),
  // a send: reserve (a write), the SMS over HTTP, then activate (a write).
  '/write-sms-write': async () => {
    const id = row();
    await withClient((c) => q(c, INSERT, id));
    await postSms(id);
    return withClient((c) => q(c, WRITE, id).then((r) => r.rows[0]));
  },
};

// the same-SQL floor (same-sql.cjs), when the harness recorded the app's statements
if (process.env.FLOOR_SCRIPTS) {
  Object.assign(routes, require('./same-sql.cjs').sameSqlRoutes({ pool, postSms }));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://floor');
  const route = routes[url.pathname];
  req.resume();
  req.on('end', () => {
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    route(url).then(
      (value) => {
        const body = JSON.stringify(value ?? {});
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      (error) => {
        process.stderr.write(`${error.stack}\n`);
        res.writeHead(500).end();
      },
    );
  });
});

async function main() {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS floor_rows (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`,
  );
  await pool.query(
    `CREATE TABLE IF NOT EXISTS floor_log (id bigserial PRIMARY KEY, row_id int NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
  );
  await pool.query(
    `INSERT INTO floor_rows (id) SELECT generate_series(1, ${ROWS}) ON CONFLICT DO NOTHING`,
  );
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
}

// A measuring tool: in-flight requests at the end of a run need no grace.
process.on('SIGTERM', () => process.exit(0));
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
