import { splitList } from '../../config/app-config';

/**
 * TEST_PHONE_NUMBERS (`9800000001:123456,…`): numbers whose SMS never reaches a gateway and whose
 * code is always the one given, for QA, staging and app-store review accounts. Numbers are kept
 * in E.164 (`+9779800000001`), as the send path hands them over.
 */
export class TestNumbers {
  private constructor(private readonly codes: ReadonlyMap<string, string>) {}

  static none(): TestNumbers {
    return new TestNumbers(new Map());
  }

  /** Parses the variable; `problems` lists what is wrong with it (an empty list when all is well). */
  static parse(
    value: string | undefined,
    codeLength: number,
  ): { testNumbers: TestNumbers; problems: string[] } {
    const codes = new Map<string, string>();
    const problems: string[] = [];
    for (const entry of splitList(value)) {
      const [number = '', code = ''] = entry.split(':').map((part) => part.trim());
      const e164 = asNepalE164(number);
      if (!e164) {
        problems.push(`"${number}" is not a 10-digit Nepali mobile number`);
      } else if (!new RegExp(`^[0-9]{${codeLength}}$`).test(code)) {
        problems.push(`the code for ${number} must be ${codeLength} digits (OTP_LENGTH)`);
      } else if (codes.has(e164)) {
        problems.push(`${number} is listed twice`);
      } else {
        codes.set(e164, code);
      }
    }
    return { testNumbers: new TestNumbers(codes), problems };
  }

  get size(): number {
    return this.codes.size;
  }

  /** The fixed code of a test number, or undefined for every other number. */
  codeFor(e164: string): string | undefined {
    return this.codes.get(e164);
  }
}

/** `9800000001`, `+9779800000001` or `9779800000001` → `+9779800000001`. */
function asNepalE164(number: string): string | undefined {
  const national = /^(?:\+?977)?(9[0-9]{9})$/.exec(number.replace(/[\s-]/g, ''))?.[1];
  return national ? `+977${national}` : undefined;
}
