/** A growable byte builder for encoders. Values are range-checked so an encoder bug cannot wrap. */
export class ByteWriter {
  private buffer: Uint8Array;
  private position = 0;

  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.position;
  }

  private ensure(extra: number): void {
    if (this.position + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.position + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  private check(value: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`${what} out of range: ${value}`);
    }
  }

  u8(value: number): this {
    this.check(value, 0xff, 'u8');
    this.ensure(1);
    this.buffer[this.position++] = value;
    return this;
  }

  u16be(value: number): this {
    this.check(value, 0xffff, 'u16');
    this.ensure(2);
    this.buffer[this.position++] = value >>> 8;
    this.buffer[this.position++] = value & 0xff;
    return this;
  }

  u16le(value: number): this {
    this.check(value, 0xffff, 'u16');
    this.ensure(2);
    this.buffer[this.position++] = value & 0xff;
    this.buffer[this.position++] = value >>> 8;
    return this;
  }

  u24be(value: number): this {
    this.check(value, 0xffffff, 'u24');
    this.ensure(3);
    this.buffer[this.position++] = value >>> 16;
    this.buffer[this.position++] = (value >>> 8) & 0xff;
    this.buffer[this.position++] = value & 0xff;
    return this;
  }

  u32be(value: number): this {
    this.check(value, 0xffffffff, 'u32');
    this.ensure(4);
    this.buffer[this.position++] = value >>> 24;
    this.buffer[this.position++] = (value >>> 16) & 0xff;
    this.buffer[this.position++] = (value >>> 8) & 0xff;
    this.buffer[this.position++] = value & 0xff;
    return this;
  }

  u32le(value: number): this {
    this.check(value, 0xffffffff, 'u32');
    this.ensure(4);
    this.buffer[this.position++] = value & 0xff;
    this.buffer[this.position++] = (value >>> 8) & 0xff;
    this.buffer[this.position++] = (value >>> 16) & 0xff;
    this.buffer[this.position++] = value >>> 24;
    return this;
  }

  u64le(value: bigint): this {
    this.u32le(Number(value & 0xffffffffn));
    this.u32le(Number((value >> 32n) & 0xffffffffn));
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.position);
    this.position += value.length;
    return this;
  }

  /** Overwrites a big-endian u16 already written (for length fields known only at the end). */
  patchU16be(at: number, value: number): this {
    this.check(value, 0xffff, 'u16');
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value & 0xff;
    return this;
  }

  patchU16le(at: number, value: number): this {
    this.check(value, 0xffff, 'u16');
    this.buffer[at] = value & 0xff;
    this.buffer[at + 1] = value >>> 8;
    return this;
  }

  patchU24be(at: number, value: number): this {
    this.check(value, 0xffffff, 'u24');
    this.buffer[at] = value >>> 16;
    this.buffer[at + 1] = (value >>> 8) & 0xff;
    this.buffer[at + 2] = value & 0xff;
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.position);
  }
}
