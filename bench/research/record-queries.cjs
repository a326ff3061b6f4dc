'use strict';
/**
 * Preloaded into the app by roundtrips.ts and explain.ts beside it (`node --require …`), never
 * in a measured run: records every statement `pg` sends (one `Client#query` call is one round
 * trip) with its parameters, and on SIGUSR2 writes what it recorded since the last signal to
 * BENCH_QUERY_LOG_FILE as `{ dump, queries: [{ text, values }] }`. Buffers are written in
 * bytea's text form and dates as ISO strings, so the statements can be replayed.
 */
const { Buffer } = require('node:buffer');
const { writeFileSync } = require('node:fs');
const { Client } = require('pg');

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

function replayable(value) {
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return value;
}

process.on('SIGUSR2', () => {
  writeFileSync(file, JSON.stringify({ dump: ++dump, queries: recorded }));
  recorded = [];
});
