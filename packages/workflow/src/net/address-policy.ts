import { BlockList, isIP } from 'node:net';

/**
 * Address ranges that requests are refused by default: everything that is not a public unicast
 * address. A request to one of them reaches this machine, its private network or a cloud
 * metadata service (169.254.169.254), which is where server-side request forgery does its harm.
 */
export const REFUSED_RANGES: readonly { block: string; name: string }[] = [
  { block: '0.0.0.0/8', name: 'an unspecified ("this network") address' },
  { block: '10.0.0.0/8', name: 'a private address' },
  { block: '100.64.0.0/10', name: 'a shared (carrier-grade NAT) address' },
  { block: '127.0.0.0/8', name: 'a loopback address' },
  { block: '169.254.0.0/16', name: 'a link-local address' },
  { block: '172.16.0.0/12', name: 'a private address' },
  { block: '192.0.0.0/24', name: 'a protocol-assignment address' },
  { block: '192.168.0.0/16', name: 'a private address' },
  { block: '198.18.0.0/15', name: 'a benchmarking address' },
  { block: '224.0.0.0/4', name: 'a multicast address' },
  { block: '240.0.0.0/4', name: 'a reserved address' },
  { block: '::/128', name: 'an unspecified address' },
  { block: '::1/128', name: 'a loopback address' },
  { block: 'fc00::/7', name: 'a unique-local (private) address' },
  { block: 'fe80::/10', name: 'a link-local address' },
  { block: 'ff00::/8', name: 'a multicast address' },
];

const refused = REFUSED_RANGES.map((r) => ({ ...r, list: blockListOf([r.block]) }));

/**
 * Which addresses a request may connect to: public unicast addresses always, the refused ranges
 * only inside the blocks listed in `allowPrivate` (CIDR blocks or single addresses).
 */
export class AddressPolicy {
  private readonly allowed: BlockList;

  /** Throws `TypeError` naming the entry when an `allowPrivate` entry is not an address or CIDR block. */
  constructor(allowPrivate: readonly string[] = []) {
    this.allowed = blockListOf(allowPrivate);
  }

  /**
   * Why `address` may not be connected to (e.g. `127.0.0.1 is a loopback address`), or `undefined`
   * when it may. IPv4 addresses embedded in IPv6 (`::ffff:127.0.0.1`, NAT64 `64:ff9b::…`, 6to4
   * `2002:…`, IPv4-compatible `::a.b.c.d`) are judged by the IPv4 address they carry.
   */
  refusal(address: string): string | undefined {
    const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const family = isIP(plain);
    if (family === 0) return `${address} is not an IP address`;
    if (family === 4) return this.check4(plain, plain);
    const bytes = ipv6Bytes(plain);
    if (!bytes) return `${address} is not an IP address`;
    const embedded = embeddedIpv4(bytes);
    if (embedded !== undefined) {
      const byV6 = this.check6(plain, address);
      if (byV6) return byV6;
      return this.allowed.check(plain, 'ipv6') ? undefined : this.check4(embedded, address);
    }
    return this.check6(plain, address);
  }

  private check4(ip: string, shown: string): string | undefined {
    if (this.allowed.check(ip, 'ipv4')) return undefined;
    const hit = refused.find((r) => r.list.check(ip, 'ipv4'));
    return hit ? `${shown} is ${hit.name}` : undefined;
  }

  private check6(ip: string, shown: string): string | undefined {
    if (this.allowed.check(ip, 'ipv6')) return undefined;
    const hit = refused.find((r) => r.list.check(ip, 'ipv6'));
    return hit ? `${shown} is ${hit.name}` : undefined;
  }
}

/** A `BlockList` of CIDR blocks and single addresses; `TypeError` naming the entry that is neither. */
function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [ip, bits, extra] = String(entry).trim().split('/');
    const family = isIP(ip ?? '');
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (family === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      throw new TypeError(`"${entry}" is not an IP address or CIDR block (such as 10.0.0.0/8, 127.0.0.1 or fd00::/8)`);
    }
    list.addSubnet(ip!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** The 16 bytes of an IPv6 address (with an optional dotted IPv4 tail), or `undefined`. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  let head = text.toLowerCase();
  const out = new Uint8Array(16);
  let tail: number[] = [];
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(head);
  if (dotted) {
    tail = dotted.slice(1).map(Number);
    if (tail.some((n) => n > 255)) return undefined;
    head = head.slice(0, dotted.index) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string) => (s === '' ? [] : s.split(':'));
  const left = words(halves[0]!);
  const right = halves.length === 2 ? words(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  for (let i = 0; i < 8; i++) {
    const w = all[i]!;
    if (!/^[0-9a-f]{1,4}$/.test(w)) return undefined;
    const n = parseInt(w, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail.length) out.set(tail, 12);
  return out;
}

/** The IPv4 address carried by an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. */
function embeddedIpv4(b: Uint8Array): string | undefined {
  const zero = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  const v4 = (at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated).
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return v4(12);
  // ::a.b.c.d (IPv4-compatible, deprecated), but not :: and ::1 themselves.
  if (zero(0, 12) && !(zero(12, 15) && (b[15] === 0 || b[15] === 1))) return v4(12);
  // 64:ff9b::/96 (NAT64).
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12);
  // 2002:AABB:CCDD::/48 (6to4).
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return undefined;
}
