import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import type { Report, ReportSummary } from '../../../lambdas/reports/report';
import type { ReportsRepository } from '../../../lambdas/reports/repository';
import { createReportsService } from '../../../lambdas/reports/service';
import { cursorKeySource } from '../../../lambdas/shared/http/cursor-key';
import { cursorSigningSecretName, HTTP_SETTINGS } from '../../../lambdas/shared/http/settings';
import { createObservability } from '../../../lambdas/shared/observability';
import { LOCAL_CURSOR_SIGNING_KEY } from '../../../local/config';
import { callers, lambdaContext, restEvent } from '../reports/events';

vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

const SECRET_VAR = HTTP_SETTINGS.cursorSigningKeySecretName.env;
const KEY_VAR = HTTP_SETTINGS.cursorSigningKey.env;
const STAGE_SECRET = 'k'.repeat(64);
const OTHER_SECRET = 'o'.repeat(64);

/** One shared table of reports (the stage's DynamoDB) that every "container" reads. */
function sharedRepository(count: number): ReportsRepository {
  const ids = Array.from({ length: count }, (_, i) => `01HZ${String(i).padStart(22, '0')}`).reverse();
  const summary = (id: string): ReportSummary => ({
    tenantId: 'acme',
    reportId: id,
    title: id,
    tags: [],
    createdBy: 'alice',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return {
    async create(_r: Report) {},
    async get() {
      return undefined;
    },
    async list(_tenant, limit, after) {
      const start = after === undefined ? 0 : ids.indexOf(after) + 1;
      const items = ids.slice(start, start + limit).map(summary);
      const last = items.at(-1)?.reportId;
      return { items, ...(start + limit < ids.length && last ? { lastReportId: last } : {}) };
    },
    async delete() {
      return false;
    },
  };
}

/** A Secrets Manager client (mocked) that holds `secret` under the stage's name, and counts reads. */
function secretsManager(secret: string) {
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  mock
    .on(GetSecretValueCommand, { SecretId: cursorSigningSecretName('prod') })
    .resolves({ SecretString: secret });
  return { client, reads: () => mock.commandCalls(GetSecretValueCommand).length };
}

/** A "container": a reports handler instance whose cursor key comes from Secrets Manager, as deployed. */
function container(sm: ReturnType<typeof secretsManager>, repository: ReportsRepository) {
  const env = {
    [SECRET_VAR]: cursorSigningSecretName('prod'),
    AWS_LAMBDA_FUNCTION_NAME: 'marketedge-prod-reports',
  };
  const service = createReportsService({
    repository,
    obs: createObservability('reports'),
    cursorKey: cursorKeySource({ env, client: sm.client }),
  });
  return (query: Record<string, string> = {}) =>
    service(
      restEvent({
        method: 'GET',
        resource: '/v1/reports',
        path: '/v1/reports',
        caller: callers.acmeAlice,
        query,
      }),
      lambdaContext,
    ) as Promise<APIGatewayProxyResult>;
}
const page = (r: APIGatewayProxyResult) =>
  JSON.parse(r.body) as { items: ReportSummary[]; nextCursor?: string };

describe('cursor key per stage (lambdas/shared/http/cursor-key.ts)', () => {
  it('two containers with the stage secret accept each other’s cursors, each reading the secret once', async () => {
    const repo = sharedRepository(5);
    const smA = secretsManager(STAGE_SECRET);
    const smB = secretsManager(STAGE_SECRET);
    const a = container(smA, repo);
    const b = container(smB, repo);
    const first = await a({ limit: '2' });
    expect(first.statusCode).toBe(200);
    const cursor1 = page(first).nextCursor;
    expect(cursor1).toBeDefined();
    const second = await b({ limit: '2', cursor: cursor1 ?? '' });
    expect(second.statusCode).toBe(200);
    expect(page(second).items.map((i) => i.reportId)).toEqual(
      (await repo.list('acme', 4)).items.slice(2).map((i) => i.reportId),
    );
    const third = await a({ limit: '2', cursor: page(second).nextCursor ?? '' });
    expect(third.statusCode).toBe(200);
    expect(page(third).items).toHaveLength(1);
    expect(page(third).nextCursor).toBeUndefined();
    await a({ limit: '2' });
    expect([smA.reads(), smB.reads()]).toEqual([1, 1]);
  });

  it('a container with another secret (another stage) refuses the cursor with 400 at `cursor`', async () => {
    const repo = sharedRepository(5);
    const cursor = page(await container(secretsManager(STAGE_SECRET), repo)({ limit: '2' })).nextCursor;
    const other = await container(secretsManager(OTHER_SECRET), repo)({ limit: '2', cursor: cursor ?? '' });
    expect(other.statusCode).toBe(400);
    expect(other.headers?.['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(other.body)).toMatchObject({
      status: 400,
      errors: [{ path: 'cursor', message: expect.stringMatching(/not a valid cursor/) }],
    });
  });

  it('a failed secret read answers 503 with Retry-After, is not cached, and the next request succeeds', async () => {
    const client = new SecretsManagerClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: STAGE_SECRET });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const get = container({ client, reads: () => 0 }, sharedRepository(3));
    const failed = await get({ limit: '1' });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['retry-after']).toBe('1');
    expect((await get({ limit: '1' })).statusCode).toBe(200);
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(warn.mock.calls.join(' ')).not.toContain(STAGE_SECRET);
    warn.mockRestore();
  });

  it('reads an inline key (local stack), refuses short keys, and refuses to start in Lambda without a key', async () => {
    const local = cursorKeySource({ env: { [KEY_VAR]: LOCAL_CURSOR_SIGNING_KEY } });
    expect((await local()).toString('utf8')).toBe(LOCAL_CURSOR_SIGNING_KEY);
    expect(Buffer.byteLength(LOCAL_CURSOR_SIGNING_KEY)).toBeGreaterThanOrEqual(
      HTTP_SETTINGS.cursorSigningKey.minBytes,
    );
    expect(() => cursorKeySource({ env: { [KEY_VAR]: 'short' } })).toThrow(/at least 32 bytes/);
    expect(() => cursorKeySource({ env: { AWS_LAMBDA_FUNCTION_NAME: 'marketedge-prod-reports' } })).toThrow(
      new RegExp(`${KEY_VAR} or ${SECRET_VAR} must be set`),
    );
    // Outside Lambda with nothing set (unit tests): one random key per process, shared by every source.
    const [x, y] = await Promise.all([cursorKeySource({ env: {} })(), cursorKeySource({ env: {} })()]);
    expect(x.equals(y)).toBe(true);
  });
});
