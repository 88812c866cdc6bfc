// MurmurHash3 x86_32 over the UTF-8 bytes of a string, computed straight from the UTF-16 code
// units (no Buffer, no intermediate string), so bucketing allocates nothing.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Hash state after some bytes: the running hash, the pending (incomplete) block and the byte count. */
interface State {
  h: number;
  k: number;
  n: number;
}

function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, k: number, n: number): number {
  if ((n & 3) !== 0) {
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix32(h ^ n);
}

/** murmur3's 32-bit finalizer: a bijection with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Feeds the UTF-8 encoding of `text` into `s` (mutated). Lone surrogates encode as U+FFFD, as TextEncoder does. */
function feed(s: State, text: string): void {
  let { h, k, n } = s;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      k |= c << ((n & 3) << 3);
      if ((++n & 3) === 0) {
        h = mixBlock(h, k);
        k = 0;
      }
      continue;
    }
    let bytes: number;
    if (c < 0x800) {
      bytes = 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      bytes = 4;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      bytes = 3;
    }
    for (let b = bytes - 1; b >= 0; b--) {
      const byte = b === bytes - 1 ? leadByte(c, bytes) : 0x80 | ((c >>> (6 * b)) & 0x3f);
      k |= byte << ((n & 3) << 3);
      if ((++n & 3) === 0) {
        h = mixBlock(h, k);
        k = 0;
      }
    }
  }
  s.h = h;
  s.k = k;
  s.n = n;
}

function leadByte(c: number, bytes: number): number {
  if (bytes === 2) return 0xc0 | (c >>> 6);
  if (bytes === 3) return 0xe0 | (c >>> 12);
  return 0xf0 | (c >>> 18);
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of `text`, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  let h = seed | 0;
  const len = text.length;
  let i = 0;
  // Fast path: four ASCII code units make one block.
  const end = len - 3;
  for (; i < end; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return slow(h, 0, i, text, i);
    let b = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    b = Math.imul(b, C1);
    b = (b << 15) | (b >>> 17);
    b = Math.imul(b, C2);
    h ^= b;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let n = i; i < len; i++) {
    const c = text.charCodeAt(i);
    // The pending bytes so far are all ASCII: `i` bytes are fed in total.
    if (c >= 0x80) return slow(h, k, i, text, i);
    k |= c << ((i - n) << 3);
  }
  return finish(h, k, len);
}

/** Continues a hash from code unit `i` through the general UTF-8 path. */
function slow(h: number, k: number, n: number, text: string, i: number): number {
  const s: State = { h, k, n };
  feed(s, text.slice(i));
  return finish(s.h, s.k, s.n);
}
