import { DecodeError, type DecodeErrorKind } from './errors.js';

/**
 * A bounds-checked cursor over bytes. Every read checks what is left and throws a DecodeError
 * (never a RangeError, never undefined) naming the structure and field being read.
 * Offsets in errors are absolute: `base` is the position of this buffer inside the outer PDU,
 * so an error deep inside a nested structure still points at the right byte of the capture.
 */
export class ByteReader {
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    readonly structure: string,
    private readonly base = 0,
  ) {}

  get offset(): number {
    return this.position;
  }

  /** Absolute offset (including the base) of the next byte. */
  get absoluteOffset(): number {
    return this.base + this.position;
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(kind: DecodeErrorKind, field: string, detail?: string, atOffset?: number): never {
    throw new DecodeError({
      structure: this.structure,
      kind,
      field,
      offset: this.base + (atOffset ?? this.position),
      ...(detail !== undefined ? { detail } : {}),
    });
  }

  private need(count: number, field: string): void {
    if (count < 0 || this.remaining < count) {
      this.fail('not-enough-bytes', field, `need ${count} byte(s), ${this.remaining} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.position++]!;
  }

  u16be(field: string): number {
    this.need(2, field);
    const value = (this.bytes[this.position]! << 8) | this.bytes[this.position + 1]!;
    this.position += 2;
    return value;
  }

  u16le(field: string): number {
    this.need(2, field);
    const value = this.bytes[this.position]! | (this.bytes[this.position + 1]! << 8);
    this.position += 2;
    return value;
  }

  u24be(field: string): number {
    this.need(3, field);
    const b = this.bytes;
    const p = this.position;
    this.position += 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32be(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.position;
    this.position += 4;
    return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  u32le(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.position;
    this.position += 4;
    return ((b[p + 3]! << 24) >>> 0) + ((b[p + 2]! << 16) | (b[p + 1]! << 8) | b[p]!);
  }

  u64le(field: string): bigint {
    const low = BigInt(this.u32le(field));
    const high = BigInt(this.u32le(field));
    return (high << 32n) | low;
  }

  /** A view (not a copy) of the next `count` bytes. */
  bytesView(count: number, field: string): Uint8Array {
    this.need(count, field);
    const view = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return view;
  }

  /** The rest of the buffer as a view. */
  rest(): Uint8Array {
    const view = this.bytes.subarray(this.position);
    this.position = this.bytes.length;
    return view;
  }

  peekU8(field: string): number {
    this.need(1, field);
    return this.bytes[this.position]!;
  }

  skip(count: number, field: string): void {
    this.need(count, field);
    this.position += count;
  }

  /**
   * A reader over the next `count` bytes, advancing this one past them. Nested structures get
   * their own bounds, so a lying inner length can never read into the outer structure's bytes.
   */
  sub(count: number, field: string, structure = this.structure): ByteReader {
    this.need(count, field);
    const inner = new ByteReader(
      this.bytes.subarray(this.position, this.position + count),
      structure,
      this.base + this.position,
    );
    this.position += count;
    return inner;
  }

  expectEnd(field = 'trailing'): void {
    if (this.remaining !== 0)
      this.fail('invalid-field', field, `${this.remaining} unexpected trailing byte(s)`);
  }
}
