import { Writable } from 'node:stream';
import pino from 'pino';
import { baseLogOptions } from './process-logger';

/** One log call through the service's pino options, as the JSON line it writes. */
function logged(fields: Record<string, unknown>): Record<string, unknown> {
  let line = '';
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      line += chunk.toString();
      done();
    },
  });
  pino(baseLogOptions('info'), stream).info(fields, 'message');
  return JSON.parse(line) as Record<string, unknown>;
}

describe('log redaction', () => {
  it("keeps an error's code: a system error, a SQLSTATE of digits, the budget's PV001", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(logged({ err: refused }).err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(logged({ err: unique }).err).toMatchObject({ code: '23505' });
    expect(logged({ cause: Object.assign(new Error('x'), { code: 'PV001' }) }).cause).toMatchObject(
      { code: 'PV001' },
    );
  });

  it('keeps a problem code beside the error', () => {
    expect(logged({ code: 'INTERNAL_ERROR' }).code).toBe('INTERNAL_ERROR');
  });

  it('redacts any other code, at the top and one level down: a one-time code is never logged', () => {
    const line = logged({
      code: '123456',
      body: { phone: '+9779841000000', code: '654321' },
      check: { code: '१२३ ४५६' },
      sms: { code: 24680 },
    });
    expect(line).toMatchObject({
      code: '[redacted]',
      body: { code: '[redacted]' },
      check: { code: '[redacted]' },
      sms: { code: '[redacted]' },
    });
    expect(JSON.stringify(line)).not.toMatch(/123456|654321|१२३|24680/);
  });

  it('leaves the logged objects themselves alone', () => {
    const body = { code: '123456' };
    logged({ body });
    expect(body.code).toBe('123456');
  });

  it('redacts passwords, tokens and the Authorization header', () => {
    const line = logged({
      user: { password: 'hunter2-secret', token: 'tok-secret' },
      req: { headers: { authorization: 'Bearer abc.def.ghi' } },
    });
    expect(JSON.stringify(line)).not.toMatch(/hunter2-secret|tok-secret|abc\.def\.ghi/);
  });
});
