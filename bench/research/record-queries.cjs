'use strict';
/**
 * Preloaded into the app by roundtrips.ts and explain.ts beside it (`node --require …`), never
 * in a measured run: records every statement `pg` sends (one `Client#query` call is one round
 * trip) with its parameters, and on SIGUSR2 writes what it recorded since the last signal to
 * BENCH_QUERY_LOG_FILE as `{ dump, queries: [{ text, values } | { http: true }] }`. Buffers are written in
 * bytea's text form and dates as ISO strings, so the statements can be replayed.
 */
const { Buffer } = require('node:buffer');
const { renameSync, writeFileSync } = require('node:fs');
const http = require('node:http');
// pg as the app resolves it (a build elsewhere, BENCH_APP_DIR, has its own node_modules)
const { Client } = require(require.resolve('pg', { paths: [process.cwd()] }));

const file = process.env.BENCH_QUERY_LOG_FILE;
if (!file) throw new Error('BENCH_QUERY_LOG_FILE is required');

let recorded = [];
let dump = 0;
const query = Client.prototype.query;
Client.prototype.query = function recordQuery(config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text;
  const values = Array.isArray(rest[0]) ? rest[0] : (config && config.values) || [];
  if (typeof text === 'string') {
    recorded.push({ text: text.replace(/\s+/g, ' ').trim(), values: values.map(replayable) });
  }
  return query.call(this, config, ...rest);
};

// Where the app called out over HTTP (its SMS gateway), between which statements: a marker
// `{ http: true }` in the same list (the same-SQL floor sends its SMS there).
const request = http.request;
http.request = function recordRequest(...args) {
  recorded.push({ http: true });
  return request.apply(this, args);
};

function replayable(value) {
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return value;
}

process.on('SIGUSR2', () => {
  // written aside and renamed, so the reader never sees half a file
  writeFileSync(`${file}.part`, JSON.stringify({ dump: ++dump, queries: recorded }));
  renameSync(`${file}.part`, file);
  recorded = [];
});
