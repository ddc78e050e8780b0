import { BlockList, isIP } from 'node:net';

/**
 * Addresses as WAF IP sets hold them: CIDR text, one canonical form per address so comparisons are exact
 * (`203.0.113.7/32`, `2001:db8::1/128`, IPv6 compressed per RFC 5952, IPv4-mapped IPv6 as IPv4).
 */

/** Expands an IPv6 address to 8 groups of 16-bit numbers; `undefined` when malformed. */
function ipv6Groups(addr: string): number[] | undefined {
  let s = addr.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1]) {
    const o = v4[1].split('.').map(Number);
    s = `${s.slice(0, -v4[1].length)}${(((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16)}:${(((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const nums = groups.map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  return nums.some(Number.isNaN) ? undefined : nums;
}

/** RFC 5952 text of 8 groups: lower case, longest run (≥ 2) of zero groups as `::`. */
function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical CIDR of an address or CIDR; `undefined` when it is neither. */
export function canonicalCidr(input: string): { cidr: string; version: 4 | 6 } | undefined {
  const [rawAddr = '', bits, ...rest] = input.trim().split('/');
  if (rest.length > 0) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(rawAddr);
  const addr = mapped?.[1] ?? rawAddr;
  const v = isIP(addr);
  if (v === 4) {
    const prefix = bits === undefined ? 32 : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
    return { cidr: `${addr.split('.').map(Number).join('.')}/${prefix}`, version: 4 };
  }
  if (v === 6) {
    const groups = ipv6Groups(addr);
    const prefix = bits === undefined ? 128 : Number(bits);
    if (!groups || !Number.isInteger(prefix) || prefix < 0 || prefix > 128) return undefined;
    return { cidr: `${compressIpv6(groups)}/${prefix}`, version: 6 };
  }
  return undefined;
}

/** A set of CIDRs to test addresses against (the allowlist, a local IP set). */
export class CidrMatcher {
  private readonly list = new BlockList();
  readonly size: number;

  /** @throws {Error} for an entry that is not an address or CIDR */
  constructor(cidrs: readonly string[]) {
    for (const c of cidrs) {
      const canon = canonicalCidr(c);
      if (!canon) throw new Error(`not an address or CIDR: ${c}`);
      const [addr = '', bits = ''] = canon.cidr.split('/');
      this.list.addSubnet(addr, Number(bits), canon.version === 4 ? 'ipv4' : 'ipv6');
    }
    this.size = cidrs.length;
  }

  /** Whether the address (plain, not CIDR) falls in any entry; malformed input → false. */
  contains(address: string): boolean {
    if (this.size === 0) return false; // the local gateway asks on every request; BlockList.check allocates
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address.trim());
    const a = mapped?.[1] ?? address.trim();
    const v = isIP(a);
    if (v === 0) return false;
    return this.list.check(a, v === 4 ? 'ipv4' : 'ipv6');
  }
}
