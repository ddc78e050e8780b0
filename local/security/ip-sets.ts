import { type IpSetPort, StaleLockTokenError } from '../../lambdas/security-responder/ip-set';
import { CidrMatcher, canonicalCidr } from '../../lambdas/shared/security/cidr';

/**
 * A WAF IP set in memory, with WAF's optimistic locking: `get` returns the addresses and a lock token, `update` with
 * a stale token fails with {@link StaleLockTokenError} (WAF's `WAFOptimisticLockException`). The responder writes
 * it through the same `IpSetWriter` as in AWS; the local gateway reads it through {@link LocalWaf}.
 */
export class LocalIpSet implements IpSetPort {
  private addresses: string[] = [];
  private token = 0;

  constructor(
    readonly version: 4 | 6,
    private readonly onChange: () => void = () => undefined,
  ) {}

  async get(): Promise<{ addresses: string[]; lockToken: string }> {
    return { addresses: [...this.addresses], lockToken: String(this.token) };
  }

  async update(addresses: string[], lockToken: string): Promise<void> {
    if (lockToken !== String(this.token)) throw new StaleLockTokenError('local IP set changed since read');
    for (const a of addresses) {
      const c = canonicalCidr(a);
      if (!c || c.version !== this.version) throw new Error(`IPv${this.version} set: invalid address ${a}`);
    }
    this.addresses = [...addresses];
    this.token++;
    this.onChange();
  }

  /** Current addresses (CIDR text). */
  list(): string[] {
    return [...this.addresses];
  }
}

/**
 * The local stand-in for the WAF web ACL's `AutoBlockList` rules: the IPv4 and IPv6 automated-block sets, checked
 * before anything else on every request (a blocked address gets WAF's 403, `WAF_FILTERED`).
 */
export class LocalWaf {
  readonly ipSets: Record<4 | 6, LocalIpSet>;
  private matcher = new CidrMatcher([]);

  constructor() {
    const rebuild = () => {
      this.matcher = new CidrMatcher([...this.ipSets[4].list(), ...this.ipSets[6].list()]);
    };
    this.ipSets = { 4: new LocalIpSet(4, rebuild), 6: new LocalIpSet(6, rebuild) };
  }

  /** Whether a request from `sourceIp` is blocked by an IP set. */
  blocks(sourceIp: string): boolean {
    return this.matcher.contains(sourceIp);
  }
}
