import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Report } from '../../../lambdas/reports/report';
import type { ReportsRepository } from '../../../lambdas/reports/repository';
import { createReportsService } from '../../../lambdas/reports/service';
import type { ProxyHandler } from '../../../lambdas/shared/http/types';
import { createObservability } from '../../../lambdas/shared/observability';
import { toAuthorizerContext } from '../../../lambdas/shared/tenant-context';
import { matchRoute } from '../../../lib/config/routes';
import { buildProxyEvent } from '../../../local/gateway/event';
import { type FuzzContext, type FuzzRequest, fuzzRequest } from '../../fuzz/arbitraries';
import { type FuzzResponse, violations } from '../../fuzz/properties';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

const PLANTED_ID = '01HZZZZZZZZZZZZZZZZZZZZZZZ';
const ctx: FuzzContext = {
  reportId: PLANTED_ID,
  userCursor: 'a.AAAAAAAAAAAAAAAAAAAAAA',
  otherTenantCursor: 'b.AAAAAAAAAAAAAAAAAAAAAA',
  adminToken: 'c.AAAAAAAAAAAAAAAAAAAAAA',
  tenantIds: ['acme'],
};
const tokens = { admin: 'admin-token', user: 'user-token' };

/** An in-memory repository; `planted` makes `get` throw for one id (the fault the suite must find). */
function repository(planted: boolean): ReportsRepository {
  const items = new Map<string, Report>();
  return {
    async create(r) {
      items.set(`${r.tenantId}/${r.reportId}`, r);
    },
    async get(tenantId, reportId) {
      if (planted && reportId === PLANTED_ID) throw new Error('planted fault');
      return items.get(`${tenantId}/${reportId}`);
    },
    async list() {
      return { items: [] };
    },
    async delete(tenantId, reportId) {
      return items.delete(`${tenantId}/${reportId}`);
    },
  };
}

/** Sends a fuzz request to a handler in-process, through the local gateway's own event builder. */
async function sendTo(handler: ProxyHandler, req: FuzzRequest): Promise<FuzzResponse> {
  const q = req.path.indexOf('?');
  const rawPath = q === -1 ? req.path : req.path.slice(0, q);
  const match = matchRoute(req.method, rawPath);
  const requestId = randomUUID();
  if (!match.route) {
    return { status: 404, headers: {}, text: '', ms: 0 };
  }
  const rawHeaders = Object.entries(req.headers).flatMap(([k, v]) =>
    Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, v],
  );
  const caller =
    req.caller === 'none'
      ? undefined
      : toAuthorizerContext(
          {
            tenantId: req.caller === 'admin' ? 'marketedge' : 'acme',
            userId: 'u',
            roles: [req.caller === 'admin' ? 'platform-admin' : 'tenant-admin'],
            permissions: [],
            tier: 'standard',
            vertical: 'retail',
            principalType: 'user',
          },
          'key',
        );
  const event = buildProxyEvent(
    {
      method: req.method,
      rawPath,
      rawQuery: q === -1 ? '' : req.path.slice(q + 1),
      rawHeaders,
      body: Buffer.from(req.body ?? ''),
      sourceIp: '127.0.0.1',
      port: 0,
      requestId,
      receivedAt: Date.now(),
      stage: 'dev',
    },
    match.route,
    match.pathParameters,
    caller ? { authorizer: { ...caller } } : undefined,
  );
  const t0 = performance.now();
  const res = await handler(event, { awsRequestId: requestId } as Context);
  return {
    status: res.statusCode,
    headers: { ...res.headers, 'x-amzn-requestid': requestId } as FuzzResponse['headers'],
    text: res.body,
    ms: performance.now() - t0,
  };
}

const property = (handler: ProxyHandler) =>
  fc.asyncProperty(fuzzRequest(ctx, tokens), async (req) => {
    if (!req.route.startsWith('GET /v1/') && !req.route.includes('/v1/reports')) return; // reports routes only
    const res = await sendTo(handler, req);
    if (res.status === 404 && res.text === '') return; // not a route of this Lambda
    const v = violations(req, res, [tokens.admin, tokens.user]);
    if (v.length) throw new Error(v.join('; '));
  });

describe('the fuzz suite catches a planted fault', () => {
  const obs = createObservability('reports');

  it('a handler that throws on one input is found, and the shrunk input names it', async () => {
    const faulty = createReportsService({ repository: repository(true), obs });
    const out = await fc.check(property(faulty), { seed: 7, numRuns: 2_000 });
    expect(out.failed).toBe(true);
    const [req] = out.counterexample as [FuzzRequest];
    expect(req.route).toBe('GET /v1/reports/{reportId}');
    expect(req.path).toContain(PLANTED_ID);
    expect(fc.defaultReportMessage(out)).toMatch(/Counterexample/);
    expect(String(out.errorInstance)).toMatch(/status 500/);
  });

  it('the same run passes without the fault (the failure is the fault, not the suite)', async () => {
    const clean = createReportsService({ repository: repository(false), obs });
    const out = await fc.check(property(clean), { seed: 7, numRuns: 300 });
    expect(out.failed).toBe(false);
  });
});
