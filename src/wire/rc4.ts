/**
 * RC4 (the "ARCFOUR" stream cipher), as used by Standard RDP Security (MS-RDPBCGR 5.3.6.1),
 * RDP licensing (MS-RDPELE 5.1) and NTLM sealing (MS-NLMP 3.4.3).
 *
 * Node 20 links OpenSSL 3, which only offers RC4 through the legacy provider, so the probe
 * cannot rely on `crypto.createCipheriv('rc4')`. The cipher is small and fully specified by its
 * test vectors (RFC 6229), so it lives here. It is stateful: each `process` call continues the
 * key stream where the previous one stopped, which is exactly what RDP's per-direction
 * encryption needs.
 */
export class Rc4 {
  private readonly state = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 256) {
      throw new RangeError(`RC4 key must be 1..256 bytes, got ${key.length}`);
    }
    const s = this.state;
    for (let n = 0; n < 256; n++) s[n] = n;
    // Key-scheduling algorithm: a key-dependent permutation of 0..255.
    let j = 0;
    for (let n = 0; n < 256; n++) {
      j = (j + s[n]! + key[n % key.length]!) & 0xff;
      const t = s[n]!;
      s[n] = s[j]!;
      s[j] = t;
    }
  }

  /** XORs `data` with the next data.length key-stream bytes; returns a new array. */
  process(data: Uint8Array): Uint8Array {
    const s = this.state;
    const out = new Uint8Array(data.length);
    let i = this.i;
    let j = this.j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
      out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

/** One-shot RC4 of `data` under `key` (a fresh key stream). */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Rc4(key).process(data);
}
