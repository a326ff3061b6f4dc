import { User } from './user.entity';
import { toUserResponse } from './user.response';

function user(overrides: Partial<User> = {}): User {
  return Object.assign(new User(), {
    id: '0b6f9c1e-3f4a-4c55-9a43-2f1f5d1f7d2a',
    username: 'Ram',
    email: null,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    firstName: null,
    lastName: null,
    phoneNumber: null,
    phoneVerified: false,
    phoneVerifiedAt: null,
    createdAt: new Date('2026-11-22T04:00:00.000Z'),
    updatedAt: new Date('2026-11-22T05:00:00.000Z'),
    ...overrides,
  });
}

describe('toUserResponse', () => {
  it('gives exactly the API fields, nulls as null', () => {
    expect(toUserResponse(user())).toEqual({
      id: '0b6f9c1e-3f4a-4c55-9a43-2f1f5d1f7d2a',
      username: 'Ram',
      email: null,
      firstName: null,
      lastName: null,
      phoneNumber: null,
      phoneVerified: false,
      phoneVerifiedAt: null,
      createdAt: '2026-11-22T04:00:00.000Z',
    });
  });

  it('gives times as ISO strings and a verified number in E.164', () => {
    const response = toUserResponse(
      user({
        email: 'ram@example.com',
        firstName: 'Ram',
        lastName: 'Thapa',
        phoneNumber: '+9779812345678',
        phoneVerified: true,
        phoneVerifiedAt: new Date('2026-11-22T04:10:00.000Z'),
      }),
    );
    expect(response).toMatchObject({
      email: 'ram@example.com',
      firstName: 'Ram',
      lastName: 'Thapa',
      phoneNumber: '+9779812345678',
      phoneVerified: true,
      phoneVerifiedAt: '2026-11-22T04:10:00.000Z',
    });
  });

  it('never carries the password hash or internal fields', () => {
    const json = JSON.stringify(toUserResponse(user()));
    expect(json).not.toContain('argon2');
    expect(json).not.toMatch(/passwordHash|password_hash|updatedAt/);
  });
});
