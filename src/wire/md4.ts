/**
 * MD4 (RFC 1320), needed only for NTLM's NT hash: NTOWF = MD4(UTF-16LE(password)) (MS-NLMP 3.3.1).
 *
 * Node 20's OpenSSL 3 has MD4 only in the legacy provider, and the npm MD4 packages keep their
 * input in module-level block buffers that the caller cannot clear. The input here is a password,
 * so this implementation copies it only into its own padded message, which it zero-fills before
 * returning; the caller wipes the input and the digest.
 */
export const MD4_DIGEST_SIZE = 16;

/** Left rotation of a 32-bit word. */
function rotl(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

// The auxiliary functions of RFC 1320 section 3.4.
const f = (x: number, y: number, z: number): number => (x & y) | (~x & z);
const g = (x: number, y: number, z: number): number => (x & y) | (x & z) | (y & z);
const h = (x: number, y: number, z: number): number => x ^ y ^ z;

/** Word order and shifts of the three rounds (RFC 1320 section 3.4). */
const ROUND1_SHIFTS = [3, 7, 11, 19] as const;
const ROUND2_ORDER = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] as const;
const ROUND2_SHIFTS = [3, 5, 9, 13] as const;
const ROUND3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;
const ROUND3_SHIFTS = [3, 9, 11, 15] as const;
const ROUND2_CONSTANT = 0x5a827999;
const ROUND3_CONSTANT = 0x6ed9eba1;

export function md4(message: Uint8Array): Uint8Array {
  // Padding (RFC 1320 3.1-3.2): 0x80, zeros to 56 mod 64, then the bit length as 64-bit LE.
  const paddedLength = (((message.length + 8) >> 6) + 1) << 6;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  const bitLength = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(paddedLength - 8, bitLength >>> 0, true);
  view.setUint32(paddedLength - 4, Math.floor(bitLength / 2 ** 32), true);

  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const words = new Uint32Array(16);
  for (let block = 0; block < paddedLength; block += 64) {
    for (let i = 0; i < 16; i++) words[i] = view.getUint32(block + i * 4, true);
    let [a, b, c, d] = state as [number, number, number, number];
    // Each step updates one of a, b, c, d in turn; rotating the tuple keeps one formula per round.
    const step = (mix: number, word: number, shift: number): void => {
      const next = rotl((a + mix + word) >>> 0, shift);
      a = d;
      d = c;
      c = b;
      b = next;
    };
    for (let i = 0; i < 16; i++) step(f(b, c, d), words[i]!, ROUND1_SHIFTS[i % 4]!);
    for (let i = 0; i < 16; i++)
      step(g(b, c, d), (words[ROUND2_ORDER[i]!]! + ROUND2_CONSTANT) >>> 0, ROUND2_SHIFTS[i % 4]!);
    for (let i = 0; i < 16; i++)
      step(h(b, c, d), (words[ROUND3_ORDER[i]!]! + ROUND3_CONSTANT) >>> 0, ROUND3_SHIFTS[i % 4]!);
    state[0] = (state[0]! + a) >>> 0;
    state[1] = (state[1]! + b) >>> 0;
    state[2] = (state[2]! + c) >>> 0;
    state[3] = (state[3]! + d) >>> 0;
  }
  padded.fill(0);
  words.fill(0);

  const digest = new Uint8Array(MD4_DIGEST_SIZE);
  const out = new DataView(digest.buffer);
  state.forEach((word, i) => out.setUint32(i * 4, word, true));
  return digest;
}
