import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DecodeError, type DecodeErrorDetails } from '../../src/wire/errors.js';
import { toHex } from '../helpers/bytes.js';

/** One row of a byte table: a value and its hand-written wire bytes. */
export interface ByteCase<T> {
  readonly name: string;
  readonly value: T;
  readonly bytes: Uint8Array;
}

/** Registers one test per row: the encoder gives the bytes and the decoder gives the value back. */
export function byteTable<T>(
  title: string,
  cases: readonly ByteCase<T>[],
  codec: { encode?: (value: T) => Uint8Array; decode: (bytes: Uint8Array) => T },
): void {
  for (const row of cases) {
    test(`${title}: ${row.name}`, () => {
      assert.deepStrictEqual(codec.decode(row.bytes), row.value);
      if (codec.encode) assert.equal(toHex(codec.encode(row.value)), toHex(row.bytes));
    });
  }
}

/** Asserts that `run` throws a DecodeError with exactly these details. */
export function expectDecodeError(run: () => unknown, expected: DecodeErrorDetails): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof DecodeError, `expected a DecodeError, got ${String(thrown)}`);
  const actual = thrown.toJSON();
  if (expected.detail === undefined) delete (actual as { detail?: string }).detail;
  assert.deepStrictEqual(actual, expected);
}

/** Runs `decode` and fails the property if it throws anything but a DecodeError. */
export function decodesOrDecodeError(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
  }
}

/** Random bytes and single-byte mutations, truncations and extensions of the seeds. */
export function fuzzedBytes(seeds: readonly Uint8Array[], maxLength = 300): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength });
  if (seeds.length === 0) return random;
  const mutated = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.nat(),
      fc.uint8Array({ maxLength: 8 }),
      fc.nat({ max: 3 }),
    )
    .map(([seed, at, value, cut, tail, mode]) => {
      const copy = Uint8Array.from(seed);
      if (copy.length === 0) return tail;
      if (mode === 0) {
        copy[at % copy.length] = value;
        return copy;
      }
      if (mode === 1) return copy.subarray(0, cut % copy.length);
      if (mode === 2) return Uint8Array.from([...copy, ...tail]);
      copy[at % copy.length] = value;
      copy[(at + cut) % copy.length] = tail[0] ?? 0xff;
      return copy;
    });
  return fc.oneof(random, mutated);
}

export function fuzzDecoder(
  name: string,
  decode: (bytes: Uint8Array) => unknown,
  seeds: readonly Uint8Array[],
  numRuns = 500,
): void {
  test(`${name}: random and mutated bytes decode or give a DecodeError`, () => {
    fc.assert(
      fc.property(fuzzedBytes(seeds), (bytes) => decodesOrDecodeError(decode, bytes)),
      { numRuns },
    );
  });
}

export function bytesOf(length: number, fill: (i: number) => number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => fill(i));
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}
