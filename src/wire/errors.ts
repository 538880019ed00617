/**
 * The one error type every codec throws. A decoder never throws anything else: a short buffer,
 * a bad field or an unknown type all become a DecodeError naming the structure, the field and the
 * byte offset, so a hostile server's bytes can be reported rather than crash the probe.
 */
export type DecodeErrorKind =
  'not-enough-bytes' | 'invalid-field' | 'unexpected-type' | 'unsupported-version' | 'too-large';

export interface DecodeErrorDetails {
  readonly structure: string;
  readonly kind: DecodeErrorKind;
  readonly field: string;
  readonly offset: number;
  /** What was expected or seen, for the message; kept as data too. */
  readonly detail?: string;
}

export class DecodeError extends Error implements DecodeErrorDetails {
  readonly structure: string;
  readonly kind: DecodeErrorKind;
  readonly field: string;
  readonly offset: number;
  readonly detail?: string;

  constructor(details: DecodeErrorDetails) {
    const suffix = details.detail ? `: ${details.detail}` : '';
    super(`${details.structure}.${details.field} at offset ${details.offset}: ${details.kind}${suffix}`);
    this.name = 'DecodeError';
    this.structure = details.structure;
    this.kind = details.kind;
    this.field = details.field;
    this.offset = details.offset;
    if (details.detail !== undefined) this.detail = details.detail;
  }

  /** The structured part, for assertions and JSON output. */
  toJSON(): DecodeErrorDetails {
    return {
      structure: this.structure,
      kind: this.kind,
      field: this.field,
      offset: this.offset,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }
}

export function isDecodeError(value: unknown): value is DecodeError {
  return value instanceof DecodeError;
}
