import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { AAKASH_REFUSALS, aakashReplies, FakeAakashServer } from './fakes/fake-aakash-server';
import { FakeSmsGateway } from './fakes/fake-sms-gateway';
import { FakeSparrowServer, sparrowReplies } from './fakes/fake-sparrow-server';

const PHONE = '+9779812345678';
const OTHER = '+9779801234567';

describe('FakeSmsGateway', () => {
  let sms: FakeSmsGateway;
  beforeEach(() => {
    sms = new FakeSmsGateway();
  });

  it('records what was sent and reads codes back per number', async () => {
    const outcome = await sms.send({
      to: PHONE,
      text: '004217 is your code\n@example.com #004217',
    });
    await sms.send({ to: OTHER, text: '111111 is your code' });
    await sms.send({ to: PHONE, text: '998877 is your code' });
    expect(outcome).toEqual({ kind: 'sent', messageId: 'fake-1' });
    expect(sms.sent).toHaveLength(3);
    expect(sms.codesFor(PHONE)).toEqual(['004217', '998877']);
    expect(sms.lastCodeFor(PHONE)).toBe('998877');
    expect(sms.lastTo(OTHER)?.text).toBe('111111 is your code');
    expect(sms.lastTo('+9779860000000')).toBeUndefined();
  });

  it('names who did get a code when asked for one that was never sent', async () => {
    expect(() => sms.lastCodeFor(PHONE)).toThrow(
      `No code was sent to ${PHONE}; codes went to: nobody`,
    );
    await sms.send({ to: OTHER, text: '111111 is your code' });
    expect(() => sms.lastCodeFor(PHONE)).toThrow(`codes went to: ${OTHER}`);
  });

  it('ends the next sends as told; only an unknown outcome still reaches the phone', async () => {
    sms.failNext('refused');
    sms.failNext('refused-account');
    sms.failNext('unreached');
    sms.failNext('unknown');
    expect(await sms.send({ to: PHONE, text: '1' })).toMatchObject({
      kind: 'refused',
      cause: 'number',
    });
    expect(await sms.send({ to: PHONE, text: '2' })).toMatchObject({
      kind: 'refused',
      cause: 'account',
    });
    expect(await sms.send({ to: PHONE, text: '3' })).toMatchObject({ kind: 'unreached' });
    expect(await sms.send({ to: PHONE, text: '444444' })).toMatchObject({ kind: 'unknown' });
    expect(await sms.send({ to: PHONE, text: '555555' })).toMatchObject({ kind: 'sent' });
    expect(sms.sent.map((message) => message.text)).toEqual(['444444', '555555']);
    expect(sms.attempted).toHaveLength(5);
  });

  it('can take its time', async () => {
    sms.delayMs = 150;
    const started = performance.now();
    await sms.send({ to: PHONE, text: '123456' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('forgets everything on clear()', async () => {
    await sms.send({ to: PHONE, text: '123456' });
    sms.failNext('refused');
    sms.delayMs = 50;
    sms.clear();
    expect(sms.sent).toEqual([]);
    expect(sms.delayMs).toBe(0);
    expect(await sms.send({ to: PHONE, text: '654321' })).toMatchObject({ kind: 'sent' });
  });
});

describe('FakeSparrowServer', () => {
  const sparrow = new FakeSparrowServer({ token: 'tok' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  function post(fields: Record<string, string>): Promise<{ status: number; body: string }> {
    const body = new URLSearchParams(fields).toString();
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${sparrow.url}/v2/sms/`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const valid = { token: 'tok', from: 'Example', to: '9812345678', text: '123456 is your code' };

  beforeAll(() => sparrow.start());
  afterAll(async () => {
    agent.destroy();
    await sparrow.stop();
  });
  beforeEach(() => sparrow.reset());

  it('checks fields and token the way Sparrow does', async () => {
    expect(await post(valid)).toMatchObject({ status: 200 });
    expect(await post({ ...valid, token: 'bad' })).toEqual({
      status: 403,
      body: '{"response_code":1002,"response":"Invalid Token"}',
    });
    const { text: _text, ...withoutText } = valid;
    expect(JSON.parse((await post(withoutText)).body)).toMatchObject({ response_code: 1000 });
    expect(JSON.parse((await post({ ...valid, text: '' })).body)).toMatchObject({
      response_code: 1010,
    });
    expect(sparrow.requests.map((request) => request.fields.token)).toEqual([
      'tok',
      'bad',
      'tok',
      'tok',
    ]);
  });

  it('answers queued replies in order, then the standing one', async () => {
    sparrow.respondWith(sparrowReplies.serverError(502));
    sparrow.respondNextWith(sparrowReplies.refuse(1012), sparrowReplies.success());
    expect((await post(valid)).status).toBe(403);
    expect((await post(valid)).status).toBe(200);
    expect((await post(valid)).status).toBe(502);
    expect((await post(valid)).status).toBe(502);
  });

  it('keeps connections alive across requests', async () => {
    const before = sparrow.connectionsOpened;
    for (let i = 0; i < 50; i++) await post(valid);
    expect(sparrow.connectionsOpened - before).toBeLessThanOrEqual(1);
    expect(sparrow.requests).toHaveLength(50);
  });
});

describe('FakeAakashServer', () => {
  const aakash = new FakeAakashServer({ token: 'tok' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  function post(
    fields: Record<string, string>,
    url = `${aakash.url}/sms/v3/send`,
  ): Promise<{ status: number; json: unknown }> {
    const body = new URLSearchParams(fields).toString();
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let json: unknown = text;
            try {
              json = JSON.parse(text);
            } catch {
              // an unreadable body stays text
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const valid = { auth_token: 'tok', to: '9841234567', text: '123456 is your code' };

  beforeAll(() => aakash.start());
  afterAll(async () => {
    agent.destroy();
    await aakash.stop();
  });
  beforeEach(() => {
    aakash.reset();
    aakash.balance = 10;
  });

  it('queues a valid message as Aakash v3 answers, and spends a credit', async () => {
    const { status, json } = await post(valid);
    expect(status).toBe(200);
    expect(json).toEqual({
      error: false,
      message: '1 messages has been queued for delivery',
      data: {
        valid: [
          {
            id: expect.any(Number),
            mobile: '9841234567',
            text: '123456 is your code',
            credit: 1,
            network: 'ntc',
            status: 'queued',
          },
        ],
        invalid: [],
      },
    });
    expect(aakash.balance).toBe(9);
    expect(aakash.smsRequests.map((request) => request.fields)).toEqual([valid]);
  });

  it('checks fields, token, number and balance the way Aakash does', async () => {
    expect((await post({ ...valid, auth_token: 'bad' })).json).toEqual({
      error: true,
      message: AAKASH_REFUSALS.badToken,
      data: [],
    });
    const { to: _to, ...withoutTo } = valid;
    expect((await post(withoutTo)).json).toMatchObject({
      error: true,
      message: AAKASH_REFUSALS.missingTo,
    });
    expect((await post({ ...valid, to: '12345' })).json).toMatchObject({
      error: false,
      data: { valid: [], invalid: [{ mobile: '12345', status: 'aborted' }] },
    });
    aakash.balance = 0;
    expect((await post(valid)).json).toMatchObject({
      error: true,
      message: AAKASH_REFUSALS.noBalance,
    });
    expect((await post(valid, `${aakash.url}/sms/v2/send`)).status).toBe(404);
    expect(aakash.requests).toHaveLength(5);
    expect(aakash.smsRequests).toHaveLength(4);
  });

  it('answers queued replies in order, then the standing one', async () => {
    aakash.respondWith(aakashReplies.serverError(502));
    aakash.respondNextWith(
      aakashReplies.refuse('noBalance', 402),
      aakashReplies.invalidNumber(),
      aakashReplies.success({ id: 77, network: 'smartcell' }),
      aakashReplies.html(),
    );
    expect(await post(valid)).toMatchObject({ status: 402, json: { error: true } });
    expect(await post(valid)).toMatchObject({
      status: 200,
      json: { data: { valid: [], invalid: [{ mobile: '9841234567' }] } },
    });
    expect(await post(valid)).toMatchObject({
      json: { data: { valid: [{ id: 77, network: 'smartcell' }] } },
    });
    expect((await post(valid)).json).toContain('<html>');
    expect((await post(valid)).status).toBe(502);
    expect(aakash.requests).toHaveLength(5);
  });

  it('can answer slowly, or reset after reading the request', async () => {
    aakash.respondNextWith(aakashReplies.slow(120), aakashReplies.reset());
    const started = performance.now();
    expect((await post(valid)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    await expect(post(valid)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(aakash.requests).toHaveLength(2);
  });

  it('keeps connections alive across requests', async () => {
    const before = aakash.connectionsOpened;
    for (let i = 0; i < 20; i++) await post(valid);
    expect(aakash.connectionsOpened - before).toBeLessThanOrEqual(1);
  });

  it('refuses connections once stopped', async () => {
    const stopped = new FakeAakashServer();
    await stopped.start();
    const port = Number(new URL(stopped.url).port);
    await stopped.stop();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Error('connected')));
      socket.on('error', resolve);
    });
    expect(error.code).toBe('ECONNREFUSED');
  });
});
