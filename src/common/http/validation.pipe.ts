import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../errors/domain-error';

/**
 * How deeply a request value may nest arrays and objects. No DTO has nested members, so 16 is
 * generous; the bound is there because class-transformer recurses once per level and a 100 kB
 * body can nest 50 000 levels deep, which overflowed the stack (a 500) from about 2 000.
 */
export const MAX_INPUT_DEPTH = 16;

// A UTF-16 surrogate without its partner: JSON may carry one as an escape ("\ud800"), but it
// is not Unicode text. validator.js's isEmail throws on one (URIError from encodeURI: a 500),
// and PostgreSQL would silently store U+FFFD instead of what the response echoed.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Request DTO validation: unknown fields are rejected, every failure listed as `{ field, message }`. */
export function createValidationPipe(): ValidationPipe {
  return new ScreeningValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}

/**
 * Screens the raw input for what the validators themselves cannot take (over-deep nesting, lone
 * surrogates) before class-transformer and class-validator see it.
 */
class ScreeningValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // custom decorators (@CurrentUser, @ClientIp) carry our own values, not the client's
    const problem = metadata.type === 'custom' ? undefined : screenInput(value);
    if (problem) return Promise.reject(new ValidationFailedError([problem]));
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/**
 * The first reason `value` cannot be validated safely, named by its top-level field (`body` for
 * the value itself); undefined when there is none. Iterative, so no input can overflow the stack.
 */
export function screenInput(value: unknown, maxDepth = MAX_INPUT_DEPTH): FieldError | undefined {
  const isContainer = value !== null && typeof value === 'object';
  const topLevel: Array<[string, unknown, number]> =
    isContainer && !Array.isArray(value)
      ? Object.entries(value).map(([field, child]): [string, unknown, number] => [field, child, 2])
      : [['body', value, 1]];
  for (const [field, child, startDepth] of topLevel) {
    const stack: Array<[unknown, number]> = [[child, startDepth]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop() as [unknown, number];
      if (typeof node === 'string') {
        if (LONE_SURROGATE.test(node)) {
          return { field, message: 'must be valid Unicode text (it has a lone surrogate)' };
        }
        continue;
      }
      if (node === null || typeof node !== 'object') continue;
      if (depth > maxDepth) return { field, message: `nests more than ${maxDepth} levels deep` };
      for (const item of Object.values(node)) stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = error.property
      ? parent
        ? `${parent}.${error.property}`
        : error.property
      : parent || 'body';
    for (const message of Object.values(error.constraints ?? {})) {
      result.push({ field, message: humanise(message) });
    }
    if (error.children?.length) result.push(...toFieldErrors(error.children, field));
  }
  return result;
}

function humanise(message: string): string {
  if (message.startsWith('property ') && message.endsWith(' should not exist')) {
    return 'is not an accepted field';
  }
  if (message.startsWith('an unknown value was passed')) return 'must be a JSON object';
  return message;
}
