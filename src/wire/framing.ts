import type { DecodeError } from './errors.js';

/**
 * The answer to "how long is the next PDU in this buffer?", kept apart from decoding so that a
 * stream can be reassembled from any chunking before any structure is parsed.
 */
export type FrameLength =
  | { readonly kind: 'need-more'; readonly atLeast: number }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'malformed'; readonly error: DecodeError };
