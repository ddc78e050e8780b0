import type { APIGatewayProxyResult } from 'aws-lambda';
import { internalProxyEvent, platformServicePrincipal } from '../../lambdas/shared/http/internal-call';
import type { ProxyHandler } from '../../lambdas/shared/http/types';
import { lambdaContext } from '../gateway/lambda-context';

/** Id of the override rule the `limits-clamped` fault adds (and removes). */
export const FAULT_RULE_ID = 'local-fault-429-storm';

/** The caller the admin API sees (and audits): a platform-admin service principal of the local stack. */
const ACTOR = platformServicePrincipal('local-faults');

/**
 * Clamps a tenant to 1 request per minute (a tenant-wide rate rule {@link FAULT_RULE_ID} added to its overrides)
 * through the admin API handler, as a human change would go: validated, audited, picked up by the limiters within
 * 1 s. `unclamp` removes that rule again, keeping any other change made meanwhile.
 * @throws {Error} the tenant does not exist, or the admin API refused the change (status and body in the message)
 */
export async function clampLimits(admin: ProxyHandler, tenantId: string): Promise<void> {
  await editRules(admin, tenantId, (rules) => [
    ...rules,
    { id: FAULT_RULE_ID, kind: 'rate', scope: 'tenant', limit: 1, periodSec: 60 },
  ]);
}

/** Removes the {@link FAULT_RULE_ID} rule from a tenant's overrides (no-op when absent). */
export async function unclampLimits(admin: ProxyHandler, tenantId: string): Promise<void> {
  await editRules(admin, tenantId, (rules) => rules);
}

async function editRules(
  admin: ProxyHandler,
  tenantId: string,
  edit: (rules: { id: string }[]) => unknown[],
): Promise<void> {
  const path = `/admin/tenants/${encodeURIComponent(tenantId)}/limits`;
  const current = await call(admin, 'GET', path);
  if (current.statusCode !== 200)
    throw new Error(`GET ${path} answered ${current.statusCode}: ${current.body}`);
  const { overrides } = JSON.parse(current.body) as { overrides: { id: string }[] };
  const etag = Object.entries(current.headers ?? {}).find(([k]) => k.toLowerCase() === 'etag')?.[1];
  const rules = edit(overrides.filter((r) => r.id !== FAULT_RULE_ID));
  const put = await call(admin, 'PUT', path, { rules }, etag === undefined ? undefined : String(etag));
  if (put.statusCode !== 200) throw new Error(`PUT ${path} answered ${put.statusCode}: ${put.body}`);
}

let seq = 0;

async function call(
  admin: ProxyHandler,
  method: string,
  path: string,
  body?: unknown,
  ifMatch?: string,
): Promise<APIGatewayProxyResult> {
  const requestId = `local-faults-${Date.now()}-${++seq}`;
  const event = internalProxyEvent({
    method,
    path,
    body,
    ifMatch,
    principal: ACTOR,
    requestId,
    sourceIp: '127.0.0.1',
    userAgent: 'local-faults',
  });
  return admin(event, lambdaContext('marketedge-local-admin', requestId, 10_000));
}
