/**
 * How `explain` reads a code the user typed.
 *
 *  - `0x904`, `0X904`: hexadecimal (the prefix is required for hex).
 *  - `2308`: decimal, as event 1026 logs it. A bare number is decimal; when no table knows the
 *    decimal reading but one knows the same digits as hex (`904`), the hex reading is used. Either
 *    way the other reading is reported.
 *  - `-2146893054`: a negative decimal is a signed 32-bit HRESULT/NTSTATUS, read as its unsigned value.
 *  - `ERRCONNECT_TLS_CONNECT_FAILED`: a symbolic name, any case.
 *  - Anything else (`904a`, `0x`, `12.5`, values above 0xFFFFFFFF) is malformed.
 */
export type ParsedCode =
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly notation: 'hex' | 'decimal';
      readonly raw: string;
    }
  | { readonly kind: 'name'; readonly name: string; readonly raw: string };

export type CodeSyntaxProblem = 'empty' | 'hex-without-prefix' | 'out-of-range' | 'not-a-code';

/** A code that cannot be read; `problem` says why, the CLI words it. */
export class CodeSyntaxError extends Error {
  constructor(
    readonly problem: CodeSyntaxProblem,
    readonly raw: string,
  ) {
    super(`${problem}: ${raw}`);
    this.name = 'CodeSyntaxError';
  }
}

const MAX_UNSIGNED = 0xffffffff;
const MIN_SIGNED = -0x80000000;

export function parseCode(raw: string): ParsedCode {
  const text = raw.trim();
  if (text === '') throw new CodeSyntaxError('empty', raw);
  if (/^0x[0-9a-f]+$/i.test(text)) {
    const value = Number.parseInt(text.slice(2), 16);
    if (value > MAX_UNSIGNED) throw new CodeSyntaxError('out-of-range', raw);
    return { kind: 'number', value, notation: 'hex', raw: text };
  }
  if (/^-?\d+$/.test(text)) {
    const value = Number(text);
    if (value > MAX_UNSIGNED || value < MIN_SIGNED) throw new CodeSyntaxError('out-of-range', raw);
    return { kind: 'number', value: value >>> 0, notation: 'decimal', raw: text };
  }
  if (/^[0-9a-f]+$/i.test(text)) throw new CodeSyntaxError('hex-without-prefix', raw);
  if (/^[a-z_][a-z0-9_]*$/i.test(text)) return { kind: 'name', name: text, raw: text };
  throw new CodeSyntaxError('not-a-code', raw);
}

/** The same digits read as hex, for a bare non-negative decimal; undefined when not meaningful. */
export function hexReadingOf(parsed: ParsedCode): number | undefined {
  if (parsed.kind !== 'number' || parsed.notation !== 'decimal' || parsed.raw.startsWith('-'))
    return undefined;
  const value = Number.parseInt(parsed.raw, 16);
  return value <= MAX_UNSIGNED && value !== parsed.value ? value : undefined;
}
