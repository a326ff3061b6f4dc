import { FraudService } from '../../src/fraud/fraud.service';
import { PhoneBlockRepository } from '../../src/fraud/phone-block.repository';
import { asUser, ConsoleApp, createConsoleApp } from './support/console-app';

const NOW = new Date('2026-11-20T10:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('blocks and the allowlist through /v1/admin (real PostgreSQL)', () => {
  let c: ConsoleApp;
  let admin: ReturnType<typeof asUser>;
  beforeAll(async () => {
    c = await createConsoleApp();
    admin = asUser(c.t, c.admin);
  });
  beforeEach(() => c.t.clock.set(NOW));
  afterAll(() => c?.t.close());

  it('blocks a number given in any accepted form, lists it, and lifts it', async () => {
    const created = await admin
      .post('/v1/admin/blocks', { phone: '+977 981-555-0001', seconds: 3600, reason: ' pumping ' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      phone: '+9779815550001',
      prefix: null,
      source: 'operator',
      reason: 'pumping',
      createdBy: 'Console_Admin',
      createdAt: NOW.toISOString(),
      expiresAt: later(3600).toISOString(),
    });
    const listed = await admin.get('/v1/admin/blocks').expect(200);
    expect(listed.body).toContainEqual(created.body);

    await admin.delete(`/v1/admin/blocks/${created.body.id}`).expect(204);
    const after = await admin.get('/v1/admin/blocks').expect(200);
    expect(after.body.map((block: { id: string }) => block.id)).not.toContain(created.body.id);
    // lifting it again changes nothing
    await admin.delete(`/v1/admin/blocks/${created.body.id}`).expect(204);
  });

  it('blocks a prefix for 24 hours by default, Devanagari digits accepted', async () => {
    const res = await admin
      .post('/v1/admin/blocks', { prefix: '९८४१२३', reason: 'burst from one range' })
      .expect(201);
    expect(res.body).toMatchObject({
      phone: null,
      prefix: '984123',
      expiresAt: later(86_400).toISOString(),
    });
  });

  it.each([
    [{ reason: 'x' }, 'phone'],
    [{ phone: '9812345678', prefix: '981234', reason: 'x' }, 'phone'],
    [{ phone: '01-4123456', reason: 'x' }, 'phone'],
    [{ prefix: '12345', reason: 'x' }, 'prefix'],
    [{ prefix: '123456', reason: 'x' }, 'prefix'],
    [{ prefix: '981234', reason: '   ' }, 'reason'],
    [{ prefix: '981234' }, 'reason'],
    [{ prefix: '981234', reason: 'x', seconds: 10 }, 'seconds'],
    [{ prefix: '981234', reason: 'x', seconds: 1.5 }, 'seconds'],
    [{ prefix: '981234', reason: 'x', seconds: 40_000_000 }, 'seconds'],
    [{ prefix: '981234', reason: 'x', source: 'auto' }, 'source'],
  ])('refuses the block %j with 400 VALIDATION_FAILED on %s', async (body, field) => {
    const res = await admin.post('/v1/admin/blocks', body).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('answers 404 for an unknown or malformed block id', async () => {
    for (const id of ['0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51', 'not-a-uuid']) {
      const res = await admin.delete(`/v1/admin/blocks/${id}`).expect(404);
      expect(res.body.code).toBe('BLOCK_NOT_FOUND');
    }
  });

  it('adds to the allowlist once per number or prefix, lists and removes', async () => {
    const created = await admin
      .post('/v1/admin/allowlist', { phone: '9845550002', note: 'Head office' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      phone: '+9779845550002',
      prefix: null,
      note: 'Head office',
      createdBy: 'Console_Admin',
      createdAt: NOW.toISOString(),
    });
    const again = await admin
      .post('/v1/admin/allowlist', { phone: '+9779845550002', note: 'again' })
      .expect(409);
    expect(again.body.code).toBe('ALREADY_ALLOWLISTED');
    expect((await admin.get('/v1/admin/allowlist').expect(200)).body).toContainEqual(created.body);

    await admin.delete(`/v1/admin/allowlist/${created.body.id}`).expect(204);
    const gone = await admin.delete(`/v1/admin/allowlist/${created.body.id}`).expect(404);
    expect(gone.body.code).toBe('ALLOWLIST_ENTRY_NOT_FOUND');
    await admin.post('/v1/admin/allowlist', { phone: '9845550002', note: 'back' }).expect(201);
  });
});

/** The service the send path asks, on real PostgreSQL: blockFor and isAllowlisted. */
describe('FraudService: the blocks a send meets (service tier, real PostgreSQL)', () => {
  let c: ConsoleApp;
  let fraud: FraudService;
  let blocks: PhoneBlockRepository;
  beforeAll(async () => {
    c = await createConsoleApp();
    fraud = c.t.app.get(FraudService);
    blocks = c.t.app.get(PhoneBlockRepository);
  });
  beforeEach(() => c.t.clock.set(NOW));
  afterAll(() => c?.t.close());

  const autoBlock = (target: { phone: string } | { prefix: string }, seconds: number) =>
    blocks.insert({
      phone: 'phone' in target ? target.phone : null,
      prefix: 'prefix' in target ? target.prefix : null,
      source: 'auto',
      reason: 'low conversion on the prefix',
      createdBy: null,
      createdAt: NOW,
      expiresAt: later(seconds),
    });

  it('finds nothing for a number nobody blocked', async () => {
    expect(await fraud.blockFor('+9779841000000', NOW)).toBeNull();
    expect(await fraud.isAllowlisted('+9779841000000', NOW)).toBe(false);
  });

  it('finds an operator block on the number, until it ends or is lifted', async () => {
    const block = await fraud.addBlock({
      target: { phone: '+9779841000001' },
      seconds: 600,
      reason: 'reported',
      createdBy: 'ops',
    });
    expect(await fraud.blockFor('+9779841000001', NOW)).toEqual({
      until: later(600),
      reason: 'reported',
    });
    expect(await fraud.blockFor('+9779841000001', later(599))).not.toBeNull();
    expect(await fraud.blockFor('+9779841000001', later(600))).toBeNull();
    expect(await fraud.blockFor('+9779841000009', NOW)).toBeNull(); // same prefix, not blocked
    await fraud.liftBlock(block.id, 'ops');
    expect(await fraud.blockFor('+9779841000001', NOW)).toBeNull();
  });

  it('finds a block on the prefix for every number in it, the one ending last', async () => {
    await fraud.addBlock({
      target: { prefix: '981777' },
      seconds: 60,
      reason: 'short',
      createdBy: 'ops',
    });
    await fraud.addBlock({
      target: { prefix: '981777' },
      seconds: 7200,
      reason: 'long',
      createdBy: 'ops',
    });
    await fraud.addBlock({
      target: { phone: '+9779817770042' },
      seconds: 120,
      reason: 'number',
      createdBy: 'ops',
    });
    expect(await fraud.blockFor('+9779817770042', NOW)).toEqual({
      until: later(7200),
      reason: 'long',
    });
    expect(await fraud.blockFor('+9779817779999', NOW)).toEqual({
      until: later(7200),
      reason: 'long',
    });
    expect(await fraud.blockFor('+9779817789999', NOW)).toBeNull();
  });

  it('exempts an allowlisted number or prefix from automatic blocks, not from an operator’s', async () => {
    await autoBlock({ prefix: '985111' }, 3600);
    await fraud.addToAllowlist({
      target: { phone: '+9779851110001' },
      note: 'office',
      createdBy: 'ops',
    });
    await fraud.addToAllowlist({ target: { prefix: '985112' }, note: 'partner', createdBy: 'ops' });
    await autoBlock({ phone: '+9779851120005' }, 3600);

    expect(await fraud.isAllowlisted('+9779851110001', NOW)).toBe(true);
    expect(await fraud.isAllowlisted('+9779851120099', NOW)).toBe(true);
    expect(await fraud.isAllowlisted('+9779851110002', NOW)).toBe(false);
    expect(await fraud.blockFor('+9779851110001', NOW)).toBeNull(); // allowlisted number
    expect(await fraud.blockFor('+9779851110002', NOW)).toEqual({
      until: later(3600),
      reason: 'low conversion on the prefix',
    });
    expect(await fraud.blockFor('+9779851120005', NOW)).toBeNull(); // allowlisted prefix

    await fraud.addBlock({
      target: { phone: '+9779851110001' },
      seconds: 300,
      reason: 'operator',
      createdBy: 'ops',
    });
    expect(await fraud.blockFor('+9779851110001', NOW)).toEqual({
      until: later(300),
      reason: 'operator',
    });
  });

  it('lists automatic blocks with the operator’s, and counts every block in force', async () => {
    const auto = await autoBlock({ prefix: '986222' }, 900);
    const listed = await fraud.listBlocks();
    expect(listed.find((block) => block.id === auto.id)).toMatchObject({
      source: 'auto',
      createdBy: null,
    });
    expect(await blocks.countInForce(NOW)).toBe(listed.length);
  });

  it('counts repeats of automatic blocks on a prefix within a window, lifted ones too', async () => {
    const first = await autoBlock({ prefix: '974333' }, 3600);
    await fraud.liftBlock(first.id, 'ops');
    c.t.clock.set(later(7200));
    await blocks.insert({
      phone: null,
      prefix: '974333',
      source: 'auto',
      reason: 'again',
      createdBy: null,
      createdAt: later(7200),
      expiresAt: later(7200 + 7200),
    });
    const since = new Date(later(7200).getTime() - 86_400_000);
    expect(await blocks.countCreatedSince({ prefix: '974333' }, 'auto', since)).toBe(2);
    expect(await blocks.countCreatedSince({ prefix: '974333' }, 'auto', later(1))).toBe(1);
    expect(await blocks.countCreatedSince({ prefix: '974333' }, 'operator', since)).toBe(0);
  });

  it('ignores what is not a Nepali E.164 number', async () => {
    expect(await fraud.blockFor('9841000001', NOW)).toBeNull();
    expect(await fraud.isAllowlisted('+14155550100', NOW)).toBe(false);
  });
});
