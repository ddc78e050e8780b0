import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { SecurityConfig } from '../../lib/config/security';
import { header } from '../shared/http/headers';
import { internalProxyEvent, platformServicePrincipal } from '../shared/http/internal-call';
import type { BlockStore, ClampRecord } from './block-store';
import type { TenantClampPort } from './responder';

/** The admin API as a REST proxy handler (`createAdminApi(deps)`). */
export type AdminApi = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Id of the override rule a clamp adds (replaced, never stacked, when clamped again). */
export const CLAMP_RULE_ID = 'security-clamp';

/** The caller the admin API sees for a clamp: a platform-admin service principal, audited as such. */
export const RESPONDER_ACTOR = platformServicePrincipal('security-responder');

const lambdaContext = {
  functionName: 'security-responder',
  awsRequestId: 'security-responder',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/**
 * Emergency limit override for a tenant under attack, through the admin API's own code path (`GET`/`PUT
 * /admin/tenants/{id}/limits` with `If-Match`): validated, audited (actor `security-responder`), and picked up by
 * the limiters within 1 s like a human change. The clamp adds one tenant-wide rate rule ({@link CLAMP_RULE_ID},
 * `clamp.requestsPerMinute` per 60 s) to the tenant's overrides and remembers the rules before it; when it expires
 * the sweep puts those rules back — unless someone changed the limits since (version differs), in which case the
 * human change wins and the clamp record is only dropped.
 */
export class AdminClampPort implements TenantClampPort {
  private seq = 0;

  constructor(
    private readonly api: AdminApi,
    private readonly store: BlockStore,
    private readonly config: SecurityConfig['clamp'],
  ) {}

  async clamp(tenantId: string, input: { reason: string; ref: string; nowMs: number }): Promise<boolean> {
    const existing = await this.store.getClamp(tenantId);
    if (existing && existing.expiresAt * 1000 > input.nowMs) return false;
    const path = `/admin/tenants/${encodeURIComponent(tenantId)}/limits`;
    const current = await this.call('GET', path);
    if (current.statusCode === 404) return false;
    if (current.statusCode !== 200)
      throw new Error(`clamp ${tenantId}: GET limits answered ${current.statusCode}`);
    const body = JSON.parse(current.body) as { overrides: { id: string }[]; version: number };
    const previous = body.overrides.filter((r) => r.id !== CLAMP_RULE_ID);
    const rule = {
      id: CLAMP_RULE_ID,
      kind: 'rate',
      scope: 'tenant',
      limit: this.config.requestsPerMinute,
      periodSec: 60,
    };
    const put = await this.call('PUT', path, { rules: [...previous, rule] }, header(current.headers, 'etag'));
    if (put.statusCode !== 200) throw new Error(`clamp ${tenantId}: PUT limits answered ${put.statusCode}`);
    const after = JSON.parse(put.body) as { version: number };
    await this.store.putClamp({
      tenantId,
      previousRules: previous,
      version: after.version,
      reason: input.reason,
      ref: input.ref,
      createdAt: input.nowMs,
      expiresAt: Math.floor(input.nowMs / 1000) + this.config.ttlSec,
    });
    return true;
  }

  async liftExpired(nowMs: number): Promise<string[]> {
    const lifted: string[] = [];
    for (const c of await this.store.listClamps()) {
      if (c.expiresAt * 1000 > nowMs) continue;
      await this.restore(c);
      lifted.push(c.tenantId);
    }
    return lifted;
  }

  async lift(tenantId: string): Promise<boolean> {
    const c = await this.store.getClamp(tenantId);
    if (!c) return false;
    await this.restore(c);
    return true;
  }

  /** Puts the rules before the clamp back unless the limits changed since (a human change wins); drops the record. */
  private async restore(c: ClampRecord): Promise<void> {
    const path = `/admin/tenants/${encodeURIComponent(c.tenantId)}/limits`;
    const current = await this.call('GET', path);
    if (current.statusCode === 200) {
      const body = JSON.parse(current.body) as { version: number };
      if (body.version === c.version) {
        const put = await this.call('PUT', path, { rules: c.previousRules }, header(current.headers, 'etag'));
        if (put.statusCode !== 200)
          throw new Error(`unclamp ${c.tenantId}: PUT limits answered ${put.statusCode}`);
      }
    }
    await this.store.deleteClamp(c.tenantId);
  }

  private call(
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<APIGatewayProxyResult> {
    const requestId = `security-responder-${Date.now()}-${++this.seq}`;
    const event = internalProxyEvent({
      method,
      path,
      body,
      ifMatch,
      principal: RESPONDER_ACTOR,
      requestId,
      sourceIp: '-',
      userAgent: 'security-responder',
    });
    return this.api(event, lambdaContext);
  }
}
