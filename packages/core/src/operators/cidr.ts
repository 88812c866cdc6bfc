import ipaddr from 'ipaddr.js';
import type { Operator } from './types';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The attribute is an IP address inside one of the expected CIDR ranges (IPv4 or IPv6). */
export const inCidr: Operator = (expected) => {
  const list = Array.isArray(expected) ? expected : [expected];
  const ranges: Range[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return undefined;
    try {
      ranges.push(item.includes('/') ? ipaddr.parseCIDR(item) : hostRange(ipaddr.parse(item)));
    } catch {
      return undefined;
    }
  }
  return (actual) => {
    if (typeof actual !== 'string' || !ipaddr.isValid(actual)) return undefined;
    let addr = ipaddr.parse(actual);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    for (const [net, bits] of ranges) {
      if (net.kind() === addr.kind() && addr.match(net, bits)) return true;
    }
    return false;
  };
};

function hostRange(addr: ipaddr.IPv4 | ipaddr.IPv6): Range {
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}
