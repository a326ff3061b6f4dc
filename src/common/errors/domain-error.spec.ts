import { UnauthenticatedError, ValidationFailedError } from './domain-error';

describe('DomainError', () => {
  it('keeps its name, message and extensions but records no stack frames', () => {
    const error = new ValidationFailedError([{ field: 'code', message: 'is required' }]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationFailedError');
    expect(error.message).toBe('The request is not valid.');
    expect(error.extensions).toEqual({ errors: [{ field: 'code', message: 'is required' }] });
    expect(error.stack).not.toMatch(/\n\s+at /);
  });

  it('leaves stack traces of every other error as they were', () => {
    const before = Error.stackTraceLimit;
    new UnauthenticatedError();
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('ordinary').stack).toMatch(/\n\s+at /);
  });
});
