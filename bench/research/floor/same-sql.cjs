// The same-SQL floor: each route replays, with no framework, exactly the statements the built app
// sent for it (recorded by ../record-queries.cjs, one script per recorded request), in the same
// order, on the same kind of connection use: a named prepared statement for each parameterised
// one, the simple protocol for BEGIN/COMMIT and the app's inline statements, and the SMS over
// HTTP where the app called its gateway. Only the values are new for each request, as the app's
// would be: the user, the number and what derives from them (the advisory-lock keys, the client
// addresses), the verification a check is for, and every id the app generated.
'use strict';
const { createHash, randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOCK = /pg_advisory_xact_lock\((\d+), (-?\d+)\)/g;
const LOCK_USER = '1001';
const LOCK_PHONE = '1002';
const LOCK_IP = '1003';

const lockKey = (value) => createHash('sha256').update(value).digest().readInt32BE(0);
const quoted = (value) => `'${value}'`;

/**
 * @param {object} options
 * @param {import('pg').Pool} options.pool
 * @param {(id: number) => Promise<string>} options.postSms
 */
function sameSqlRoutes({ pool, postSms }) {
  /** { users: Subject[], phoneBase: number, scripts: { [route]: { subject, steps }[] } } */
  const plan = JSON.parse(readFileSync(process.env.FLOOR_SCRIPTS, 'utf8'));
  const users = plan.users;
  let nextUser = 0;
  let nextPhone = 0;
  /** Verifications this server's sends created: { user, phone, prefix, verificationId, codeHash }. */
  const sent = [];
  let meUsers = 0;
  let wrongChecks = 0;
  let rightChecks = 0;
  const counters = { ranOut: 0 };
  const cursors = {};

  function nextScript(route) {
    const scripts = plan.scripts[route];
    const i = cursors[route] ?? 0;
    cursors[route] = i + 1;
    return scripts[i % scripts.length];
  }

  function freshUser() {
    if (nextUser >= users.length) counters.ranOut++;
    return users[nextUser++ % users.length];
  }

  // consecutive sends differ in their prefix, as the benchmark's do (bench/fixtures.ts
  // PhoneNumbers): numbers that all share one prefix make the fraud guard's count of that
  // prefix's hour grow with every send, which no real traffic does
  function freshPhone() {
    const n = nextPhone++;
    const base = String(plan.phoneBase).slice(0, 3);
    const national = `${base}${String(n % 1000).padStart(3, '0')}${String(Math.floor(n / 1000)).padStart(4, '0')}`;
    return { phone: `+977${national}`, prefix: national.slice(0, 6) };
  }

  /** The replacements for one request: the recorded subject's values → this request's. */
  function substitution(recorded, now) {
    const map = new Map();
    const put = (from, to) => {
      if (from !== undefined && from !== null && to !== undefined) map.set(from, to);
    };
    put(recorded.user.id, now.user.id);
    put(recorded.user.ip, now.user.ip);
    put(recorded.user.ipSubject, now.user.ipSubject);
    put(recorded.user.network, now.user.network);
    put(recorded.phone, now.phone);
    put(recorded.prefix, now.prefix);
    put(recorded.verificationId, now.verificationId);
    put(recorded.codeHash, now.codeHash);
    // only a send takes locks (user, number, client address)
    const locks = now.phone
      ? {
          [LOCK_USER]: String(lockKey(now.user.id)),
          [LOCK_PHONE]: String(lockKey(now.phone)),
          [LOCK_IP]: String(lockKey(now.user.ipSubject)),
        }
      : {};
    const value = (v) => {
      if (typeof v !== 'string') return v;
      if (map.has(v)) return map.get(v);
      return v.replace(UUID, (uuid) => {
        if (!map.has(uuid)) map.set(uuid, randomUUID());
        return map.get(uuid);
      });
    };
    const text = (t) => {
      let out = t.replace(LOCK, (whole, namespace) =>
        locks[namespace] ? `pg_advisory_xact_lock(${namespace}, ${locks[namespace]})` : whole,
      );
      for (const [from, to] of map) {
        if (typeof from === 'string' && !IS_UUID.test(from)) {
          out = out.split(quoted(from)).join(quoted(to));
        }
      }
      return out.replace(UUID, (uuid) => {
        if (!map.has(uuid)) map.set(uuid, randomUUID());
        return map.get(uuid);
      });
    };
    return { map, value, text };
  }

  const names = new Map();
  function statementName(text) {
    let name = names.get(text);
    if (!name) {
      name = `floor_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
      names.set(text, name);
    }
    return name;
  }

  /** One recorded statement, sent as the app sent it. */
  function run(client, step, sub) {
    const simple = step.values.length === 0 && /^(BEGIN|COMMIT|ROLLBACK)\b|;/.test(step.text);
    if (simple) return client.query(sub.text(step.text));
    // parameterised: the recorded text is the prepared statement, only the values change
    return client.query({
      name: statementName(step.text),
      text: step.text,
      values: step.values.map(sub.value),
    });
  }

  /**
   * The steps of one recorded request; the app takes a pooled connection per statement outside
   * a transaction and holds one through a transaction: here one is held from BEGIN to COMMIT and
   * between SMS calls, which is at most as costly.
   */
  async function replay(script, now) {
    const sub = substitution(script.subject, now);
    let client;
    try {
      for (const step of script.steps) {
        if (step.http) {
          if (client) client.release();
          client = undefined;
          await postSms(1);
          continue;
        }
        client ??= await pool.connect();
        await run(client, step, sub);
      }
    } finally {
      if (client) client.release();
    }
    return sub;
  }

  async function send() {
    const script = nextScript('send');
    const user = freshUser();
    const { phone, prefix } = freshPhone();
    const verificationId = randomUUID();
    await replay(script, {
      user,
      phone,
      prefix,
      verificationId,
      codeHash: script.subject.codeHash,
    });
    sent.push({ user, phone, prefix, verificationId, codeHash: script.subject.codeHash });
    return { id: verificationId };
  }

  function check(route, item) {
    return replay(nextScript(route), item);
  }

  return {
    '/same/send': send,
    // at most 19 wrong codes per verification, round robin, as the benchmark's scenario 2
    '/same/check-wrong': async () => {
      if (sent.length === 0) throw new Error('no verifications sent yet');
      const item = sent[wrongChecks++ % sent.length];
      if (wrongChecks / sent.length > plan.maxWrongPerVerification) counters.ranOut++;
      await check('check-wrong', item);
      return { status: 'pending' };
    },
    '/same/check-right': async () => {
      if (rightChecks >= sent.length) counters.ranOut++;
      const item = sent[rightChecks++ % sent.length];
      await check('check-right', item);
      return { status: 'approved' };
    },
    '/same/me': async () => {
      const user = users[meUsers++ % users.length];
      await replay(nextScript('me'), { user });
      return { id: user.id };
    },
    // unmeasured: top the verifications up to `count`, ten sends at a time
    '/same/prepare': async (url) => {
      const count = Number(url.searchParams.get('count'));
      const workers = Array.from({ length: 10 }, async () => {
        while (sent.length < count) await send();
      });
      await Promise.all(workers);
      return { sent: sent.length };
    },
    '/same/stats': async () => ({ sent: sent.length, usersUsed: nextUser, ...counters }),
  };
}

module.exports = { sameSqlRoutes };
