import { GetIPSetCommand, UpdateIPSetCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import { type IpSetPort, StaleLockTokenError } from './ip-set';

/** Name, id and scope of a WAFv2 IP set, from its ARN. */
export interface IpSetRef {
  name: string;
  id: string;
  scope: 'REGIONAL' | 'CLOUDFRONT';
}

/**
 * Parses `arn:aws:wafv2:<region>:<account>:regional/ipset/<name>/<id>` (or `global/…` for CloudFront).
 * @throws {Error} for anything else (a deployment error: fails the cold start)
 */
export function parseIpSetArn(arn: string): IpSetRef {
  const m = /^arn:[\w-]+:wafv2:[\w-]*:\d*:(regional|global)\/ipset\/([\w-]+)\/([\w-]+)$/.exec(arn);
  if (!m?.[2] || !m[3]) throw new Error(`not a WAFv2 IP set ARN: ${arn}`);
  return { scope: m[1] === 'global' ? 'CLOUDFRONT' : 'REGIONAL', name: m[2], id: m[3] };
}

/**
 * A WAFv2 IP set behind {@link IpSetPort}: `GetIPSet` (addresses + `LockToken`) and `UpdateIPSet` with that token;
 * `WAFOptimisticLockException` becomes {@link StaleLockTokenError} so the writer re-reads and retries.
 */
export class WafIpSet implements IpSetPort {
  constructor(
    private readonly client: WAFV2Client,
    private readonly ref: IpSetRef,
    readonly version: 4 | 6,
  ) {}

  async get(): Promise<{ addresses: string[]; lockToken: string }> {
    const res = await this.client.send(
      new GetIPSetCommand({ Name: this.ref.name, Id: this.ref.id, Scope: this.ref.scope }),
    );
    if (!res.LockToken) throw new Error(`GetIPSet ${this.ref.name}: no lock token`);
    return { addresses: res.IPSet?.Addresses ?? [], lockToken: res.LockToken };
  }

  async update(addresses: string[], lockToken: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateIPSetCommand({
          Name: this.ref.name,
          Id: this.ref.id,
          Scope: this.ref.scope,
          Addresses: addresses,
          LockToken: lockToken,
          Description: 'Owned by the security responder - do not edit by hand (docs/security-runbooks.md)',
        }),
      );
    } catch (err) {
      if (err instanceof Error && err.name === 'WAFOptimisticLockException') {
        throw new StaleLockTokenError(err.message);
      }
      throw err;
    }
  }
}
