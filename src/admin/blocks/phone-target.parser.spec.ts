import { ValidationFailedError } from '../../common/errors/domain-error';
import { phoneTargetOf } from './phone-target.parser';

function refusal(body: { phone?: string; prefix?: string }): unknown {
  try {
    phoneTargetOf(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).extensions.errors;
  }
  throw new Error(`${JSON.stringify(body)} was accepted`);
}

describe('the number or prefix of a block or allowlist entry', () => {
  it('takes a number in any form the send route accepts, of any operator, as E.164', () => {
    expect(phoneTargetOf({ phone: '९८१-२३४-५६७८' })).toEqual({ phone: '+9779812345678' });
    expect(phoneTargetOf({ phone: '00977 972 1234567' })).toEqual({ phone: '+9779721234567' });
  });

  it('takes a prefix of six digits in a mobile range', () => {
    expect(phoneTargetOf({ prefix: ' 984123 ' })).toEqual({ prefix: '984123' });
    expect(phoneTargetOf({ prefix: '९७०१२३' })).toEqual({ prefix: '970123' });
  });

  it('refuses anything else, naming the field', () => {
    expect(refusal({})).toEqual([
      { field: 'phone', message: 'give exactly one of phone and prefix' },
    ]);
    expect(refusal({ phone: '9812345678', prefix: '981234' })).toEqual([
      { field: 'phone', message: 'give exactly one of phone and prefix' },
    ]);
    expect(refusal({ phone: '+14155550100' })).toEqual([
      { field: 'phone', message: expect.stringContaining('Nepali') },
    ]);
    for (const prefix of ['98123', '9812345', '991234', '98123a', '+97798']) {
      expect(refusal({ prefix })).toEqual([
        { field: 'prefix', message: expect.stringContaining('6 digits') },
      ]);
    }
  });
});
