import { auditKeys } from '../../../lib/config/data-model';
import { SECURITY_DETAIL_TYPES } from '../../../lib/config/security';
import { parse } from '../../shared/http/validate';
import { canonicalCidr } from '../../shared/security/cidr';
import type { AdminRequest, Operation } from '../context';
import { notFound, unavailable } from '../errors';
import { json } from '../http';
import { securityQuerySchema, tenantParamSchema, unblockSchema } from '../schemas';
import { liveBlocks, liveClamps, securityOverview } from '../security-overview';

/**
 * The console's security page (platform admins; docs/security-runbooks.md "Containment"): what the responder is
 * doing now, and two early lifts. The responder stays the one writer of the WAF IP sets and clamp records: the
 * admin API writes the audit record (the human who asked, why) and puts the request on the security bus; the
 * responder acts within seconds and logs `IpUnblocked` / `TenantClamped` (`unclamped`, reason `manual`) under the
 * same request id. Answers 202.
 */

/** `GET /admin/security?events=` — active blocks and clamps, the newest security events and their figures. */
export const getSecurity: Operation = async (req) => {
  const q = parse(securityQuerySchema, req.query, 'query');
  const port = req.deps.security;
  const [blocks, clamps, events] = await Promise.all([
    port.blocks(),
    port.clamps(),
    q.events > 0 ? port.recentEvents(q.events) : Promise.resolve([]),
  ]);
  return json(securityOverview(blocks, clamps, events, req.now.getTime()));
};

/** Puts the request on the bus after its audit record; a bus failure answers 503 (the record says it was asked). */
async function handOver(
  req: AdminRequest,
  detailType: string,
  detail: Record<string, unknown>,
): Promise<void> {
  try {
    await req.deps.security.request(detailType, {
      ...detail,
      actor: req.actor.userId,
      requestId: req.requestId,
    });
  } catch (err) {
    req.deps.logger.error('security request not delivered', { detailType, error: (err as Error).name });
    throw unavailable('The security responder could not be reached; retry shortly.', 5);
  }
}

/**
 * `POST /admin/security/unblock` `{ cidr, reason }` — lifts an active block now. 202 `{ status: 'requested', cidr }`;
 * 404 when the address has no active block.
 */
export const unblock: Operation = async (req) => {
  const body = parse(unblockSchema, req.body());
  const cidr = canonicalCidr(body.cidr)?.cidr ?? body.cidr;
  const block = liveBlocks(await req.deps.security.blocks(), req.now.getTime()).find((b) => b.cidr === cidr);
  if (!block) throw notFound(`No active block for "${cidr}".`);
  await req.deps.repo.appendAudit(
    req.audit({
      action: 'security.unblock',
      partition: auditKeys.platformPartition,
      before: block,
      after: { lifted: true, reason: body.reason },
    }),
  );
  await handOver(req, SECURITY_DETAIL_TYPES.unblockRequested, { cidr });
  return json({ status: 'requested', cidr, requestId: req.requestId }, { status: 202 });
};

/**
 * `DELETE /admin/security/clamps/{tenantId}` — lifts a tenant's active clamp now (its earlier rules come back unless
 * someone changed the limits since). 202 `{ status: 'requested', tenantId }`; 404 when the tenant has none.
 */
export const liftClamp: Operation = async (req) => {
  const { tenantId } = parse(tenantParamSchema, req.params, 'path');
  const clamp = liveClamps(await req.deps.security.clamps(), req.now.getTime()).find(
    (c) => c.tenantId === tenantId,
  );
  if (!clamp) throw notFound(`Tenant "${tenantId}" has no active clamp.`);
  await req.deps.repo.appendAudit(
    req.audit({
      action: 'security.clamp.lift',
      partition: auditKeys.tenantPartition(tenantId),
      before: clamp,
      after: null,
    }),
  );
  await handOver(req, SECURITY_DETAIL_TYPES.clampLiftRequested, { tenantId });
  return json({ status: 'requested', tenantId, requestId: req.requestId }, { status: 202 });
};
