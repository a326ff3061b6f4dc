import { Agent, request as httpRequest } from 'node:http';
import { SmsRejectedError, SmsUnavailableError } from '../src/sms/sms.errors';
import { FakeSmsGateway } from './fakes/fake-sms-gateway';
import { FakeSparrowServer, sparrowReplies } from './fakes/fake-sparrow-server';
import { FakeClock } from './support/fake-clock';

const PHONE = '+9779812345678';
const OTHER = '+9779801234567';

describe('FakeSmsGateway', () => {
  let sms: FakeSmsGateway;
  beforeEach(() => {
    sms = new FakeSmsGateway(new FakeClock(new Date('2026-11-22T10:00:00Z')));
  });

  it('records what was sent and reads codes back per number', async () => {
    const receipt = await sms.send({
      to: PHONE,
      text: '004217 is your code\n@example.com #004217',
    });
    await sms.send({ to: OTHER, text: '111111 is your code' });
    await sms.send({ to: PHONE, text: '998877 is your code' });
    expect(receipt).toEqual({
      provider: 'fake',
      providerMessageId: 'fake-1',
      acceptedAt: new Date('2026-11-22T10:00:00Z'),
    });
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

  it('fails the next sends as told, with the real error classes, and does not record them', async () => {
    sms.failNext('rejected');
    sms.failNext('unavailable', 2);
    await expect(sms.send({ to: PHONE, text: '1' })).rejects.toBeInstanceOf(SmsRejectedError);
    await expect(sms.send({ to: PHONE, text: '2' })).rejects.toBeInstanceOf(SmsUnavailableError);
    await expect(sms.send({ to: PHONE, text: '3' })).rejects.toBeInstanceOf(SmsUnavailableError);
    await expect(sms.send({ to: PHONE, text: '444444' })).resolves.toBeDefined();
    expect(sms.sent.map((message) => message.text)).toEqual(['444444']);
    expect(sms.attempted).toHaveLength(4);
  });

  it('can take its time', async () => {
    sms.delayMs = 150;
    const started = performance.now();
    await sms.send({ to: PHONE, text: '123456' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('forgets everything on clear()', async () => {
    await sms.send({ to: PHONE, text: '123456' });
    sms.failNext('rejected');
    sms.delayMs = 50;
    sms.clear();
    expect(sms.sent).toEqual([]);
    expect(sms.delayMs).toBe(0);
    await expect(sms.send({ to: PHONE, text: '654321' })).resolves.toBeDefined();
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
