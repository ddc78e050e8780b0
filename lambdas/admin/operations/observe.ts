import * as z from 'zod';
import { auditKeys } from '../../../lib/config/data-model';
import { SETTINGS, settingOrDefault } from '../../../lib/config/settings';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { parse } from '../../shared/http/validate';
import type { Operation } from '../context';
import { unavailable } from '../errors';
import { runProbes } from '../health';
import { json } from '../http';
import type { RuleUsage } from '../limiter-port';
import { auditQuerySchema, tenantParamSchema, usageQuerySchema } from '../schemas';
import { loadTenant } from './tenants';

/** `GET /admin/tenants/{tenantId}/usage?userId=` — each applicable rule's remaining/reset, read from the limiter. */
export const getUsage: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const { userId } = parse(usageQuerySchema, req.query, 'query');
  const tenant = await loadTenant(req, tenantId);
  let rules: RuleUsage[];
  try {
    rules = await req.deps.limiter.getUsage({ tenantId, tier: tenant.tier, ...(userId ? { userId } : {}) });
  } catch (err) {
    req.deps.logger.warn('usage read failed', { error: (err as Error).name });
    throw unavailable('The limiter store is unavailable; retry shortly.');
  }
  return json({ tenantId, tier: tenant.tier, ...(userId ? { userId } : {}), rules }, { event: req.event });
};

/** Position of a `GET /admin/audit` cursor (the audit table's key). */
const auditCursorKey = z.object({ pk: z.string().max(1024), sk: z.string().max(1024) }).strict();

/**
 * `GET /admin/audit?tenantId=&since=&limit=&nextToken=` — audit records, oldest first. Without `tenantId`: the
 * platform partition (tier changes) for platform-admins, the caller's own tenant for tenant-admins.
 */
export const getAudit: Operation = async (req) => {
  const q = parse(auditQuerySchema, req.query, 'query');
  const partition = q.tenantId
    ? auditKeys.tenantPartition(q.tenantId)
    : req.isPlatformAdmin
      ? auditKeys.platformPartition
      : auditKeys.tenantPartition(req.actor.tenantId);
  const scope = { tenantId: req.actor.tenantId, route: req.routeKey, query: { partition, since: q.since } };
  const signingKey = await req.deps.cursorKey();
  const startKey = decodeCursor(q.nextToken, scope, auditCursorKey, 'query.nextToken', signingKey);
  const page = await req.deps.repo.queryAudit({
    partition,
    limit: q.limit,
    ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
    ...(startKey ? { startKey } : {}),
  });
  const nextToken = encodeCursor(page.lastKey as Record<string, string> | undefined, scope, signingKey);
  return json({ items: page.items, ...(nextToken ? { nextToken } : {}) }, { event: req.event });
};

/** `GET /health/deep` — DynamoDB, Redis and ElastiCache checks with latency (ms); 503 when any is unhealthy. */
export const deepHealth: Operation = async (req) => {
  const result = await runProbes(req.deps.probes);
  return json(
    { ...result, stage: settingOrDefault(process.env, SETTINGS.stage), at: req.now.toISOString() },
    { status: result.status === 'ok' ? 200 : 503 },
  );
};
