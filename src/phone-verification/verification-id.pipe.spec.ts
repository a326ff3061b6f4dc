import { VerificationNotFoundError } from './phone-verification.errors';
import { VerificationIdPipe } from './verification-id.pipe';

describe('VerificationIdPipe', () => {
  const pipe = new VerificationIdPipe();

  it('passes a UUID through, in either letter case', () => {
    expect(pipe.transform('0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51')).toBe(
      '0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51',
    );
    expect(pipe.transform('0B6F1C8E-4A9E-4A7E-9D3B-2F1D7C0E9A51')).toBe(
      '0B6F1C8E-4A9E-4A7E-9D3B-2F1D7C0E9A51',
    );
  });

  it.each([
    '',
    'not-a-uuid',
    '0b6f1c8e4a9e4a7e9d3b2f1d7c0e9a51',
    '0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51 ',
    '0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a5g',
    "0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51' OR '1'='1",
  ])('answers %j as an unknown verification', (id) => {
    expect(() => pipe.transform(id)).toThrow(VerificationNotFoundError);
  });

  it('refuses what is not a string at all', () => {
    expect(() => pipe.transform(undefined)).toThrow(VerificationNotFoundError);
    expect(() => pipe.transform(['0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51'])).toThrow(
      VerificationNotFoundError,
    );
  });
});
