import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEntry } from '../../../lambdas/admin/audit';
import { ApiError } from '../../../lambdas/admin/errors';
import {
  AdminRepository,
  ConditionFailedError,
  cancellationReasons,
  TRANSACTION_ATTEMPTS,
} from '../../../lambdas/admin/repository';
import { ACTORS, call, createAdminApi, tenantItem, testDeps } from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLES = { tenants: 't-tenants', limits: 't-limits', audit: 't-audit' };
let repo: AdminRepository;

function canceled(...codes: string[]) {
  return new TransactionCanceledException({
    message: `Transaction cancelled [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}
function sdkError(name: string) {
  return Object.assign(new Error(name), { name, $metadata: {} });
}
const audit = () =>
  auditEntry({
    actor: {
      tenantId: 'marketedge',
      userId: 'ops',
      roles: ['platform-admin'],
      permissions: [],
      tier: 'enterprise',
      vertical: 'platform',
      principalType: 'user',
    },
    action: 'tenant.update',
    route: 'PATCH /admin/tenants/{tenantId}',
    resource: '/admin/tenants/acme',
    partition: 'TENANT#acme',
    before: null,
    after: null,
    requestId: 'r1',
    now: new Date('2026-01-01T00:00:00Z'),
  });

beforeEach(() => {
  ddb.reset();
  repo = new AdminRepository({
    client: () => ddb as unknown as DynamoDBDocumentClient,
    tables: TABLES,
    sleep: async () => undefined,
  });
});
afterEach(() => ddb.reset());

describe('conditional transactional writes (SDK mocked)', () => {
  it('writes the item conditioned on its version plus the audit record in one TransactWriteItems', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const t = tenantItem('acme', 'free', 'retail', { version: 4 });
    await repo.updateTenant(t, 3, audit());
    const input = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input;
    expect(input.TransactItems).toHaveLength(2);
    expect(input.TransactItems![0]!.Put).toMatchObject({
      TableName: 't-tenants',
      ConditionExpression: '#v = :expected',
      ExpressionAttributeValues: { ':expected': 3 },
    });
    expect(input.TransactItems![1]!.Put).toMatchObject({
      TableName: 't-audit',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'TENANT#acme', action: 'tenant.update' },
    });
  });

  it('first write (version 0) is conditioned on absence', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await repo.putLimits('acme', [], 0, audit());
    const put = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!;
    expect(put.ConditionExpression).toBe('attribute_not_exists(#k)');
    expect(put.Item).toMatchObject({ pk: 'TENANT#acme', sk: 'LIMITS', version: 1 });
  });

  it('ConditionalCheckFailed on the item → ConditionFailedError (→ 412 in the API)', async () => {
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None'));
    await expect(repo.updateTenant(tenantItem('acme', 'free', 'retail'), 1, audit())).rejects.toBeInstanceOf(
      ConditionFailedError,
    );
  });

  it('TransactionConflict is retried; the retry then sees the condition', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('TransactionConflict', 'None'))
      .rejectsOnce(canceled('ConditionalCheckFailed', 'None'));
    await expect(repo.putLimits('acme', [], 2, audit())).rejects.toBeInstanceOf(ConditionFailedError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('TransactionConflict that never clears → 409 after the attempt budget', async () => {
    ddb.on(TransactWriteCommand).rejects(canceled('TransactionConflict', 'None'));
    const err = await repo.putLimits('acme', [], 2, audit()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(TRANSACTION_ATTEMPTS);
  });

  it('an audit key collision is retried under a distinct sort key', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(canceled('None', 'ConditionalCheckFailed')).resolves({});
    const a = audit();
    await repo.putLimits('acme', [], 0, a);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.TransactItems![1]!.Put!.Item!.sk).toBe('2026-01-01T00:00:00.000Z#r1~1');
  });

  it('ThrottlingError among cancellation reasons → 503 with Retry-After', async () => {
    ddb.on(TransactWriteCommand).rejects(canceled('None', 'ThrottlingError'));
    const err = (await repo.putLimits('acme', [], 0, audit()).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(503);
    expect(err.headers['retry-after']).toBe('1');
  });

  it('other cancellation reasons (ValidationError) are rethrown as-is', async () => {
    const e = canceled('ValidationError', 'None');
    ddb.on(TransactWriteCommand).rejects(e);
    await expect(repo.putLimits('acme', [], 0, audit())).rejects.toBe(e);
  });

  it.each([
    'ThrottlingException',
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
    'InternalServerError',
  ])('%s from DynamoDB (after SDK retries) → 503', async (name) => {
    ddb.on(TransactWriteCommand).rejects(sdkError(name));
    ddb.on(GetCommand).rejects(sdkError(name));
    expect(((await repo.putLimits('acme', [], 0, audit()).catch((e) => e)) as ApiError).status).toBe(503);
    expect(((await repo.getTenant('acme').catch((e) => e)) as ApiError).status).toBe(503);
  });

  it('unknown errors propagate unchanged', async () => {
    const e = sdkError('AccessDeniedException');
    ddb.on(GetCommand).rejects(e);
    await expect(repo.getLimits('acme')).rejects.toBe(e);
  });

  it('cancellationReasons ignores other errors', () => {
    expect(cancellationReasons(new Error('x'))).toBeUndefined();
    expect(cancellationReasons(canceled('None', 'ConditionalCheckFailed'))).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
  });
});

describe('through the API', () => {
  function api() {
    return createAdminApi(testDeps(repo));
  }

  it('a conditional check failure answers 412; throttling answers 503 with Retry-After', async () => {
    ddb
      .on(GetCommand, { TableName: TABLES.tenants })
      .resolves({ Item: tenantItem('acme', 'free', 'retail') });
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None'));
    const stale = await call(api(), {
      method: 'PATCH',
      path: '/admin/tenants/acme',
      actor: ACTORS.platformAdmin,
      headers: { 'If-Match': '"1"' },
      body: { name: 'x' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, title: 'Precondition Failed' });

    ddb.on(TransactWriteCommand).rejects(sdkError('ThrottlingException'));
    const throttled = await call(api(), {
      method: 'PATCH',
      path: '/admin/tenants/acme',
      headers: { 'If-Match': '"1"' },
      body: { name: 'x' },
    });
    expect(throttled.status).toBe(503);
    expect(throttled.headers['retry-after']).toBe('1');
  });

  it('unexpected SDK errors answer 500 without internals', async () => {
    ddb.on(GetCommand).rejects(sdkError('AccessDeniedException'));
    const res = await call(api(), { method: 'GET', path: '/admin/tenants/acme' });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('AccessDenied');
  });
});

describe('reads', () => {
  it('tier policy falls back to TIER_TABLE (version 0) and reads stored items', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolvesOnce({
        Item: {
          rules: [],
          usagePlan: { rateLimit: 1, burstLimit: 1, quotaPerDay: 1 },
          version: 3,
          updatedAt: 'x',
        },
      });
    expect((await repo.getTierPolicy('free')).version).toBe(0);
    expect(await repo.getTierPolicy('free')).toMatchObject({ version: 3, updatedAt: 'x', rules: [] });
  });

  it('listTenants keeps scanning past empty filtered pages and returns a continuation key', async () => {
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { tenantId: 'a' } })
      .resolvesOnce({
        Items: [tenantItem('b1', 'free', 'retail'), tenantItem('b2', 'free', 'retail')],
        LastEvaluatedKey: { tenantId: 'b2' },
      })
      .resolvesOnce({ Items: [tenantItem('c1', 'free', 'retail')] });
    const page = await repo.listTenants({ limit: 2, tier: 'free' });
    expect(page.items.map((t) => t.tenantId)).toEqual(['b1', 'b2']);
    expect(page.lastKey).toEqual({ tenantId: 'b2' });
    const scan = ddb.commandCalls(ScanCommand)[0]!.args[0].input;
    expect(scan).toMatchObject({
      FilterExpression: '#tier = :tier',
      ExpressionAttributeValues: { ':tier': 'free' },
    });
    const rest = await repo.listTenants({ limit: 2, startKey: { tenantId: 'b2' } });
    expect(rest.items.map((t) => t.tenantId)).toEqual(['c1']);
    expect(rest.lastKey).toBeUndefined();
  });

  it('queryAudit passes since and continuation keys', async () => {
    ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: { pk: 'P', sk: 's' } });
    const page = await repo.queryAudit({
      partition: 'PLATFORM',
      since: '2026-01-01T00:00:00.000Z',
      limit: 5,
    });
    expect(page.lastKey).toEqual({ pk: 'P', sk: 's' });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      Limit: 5,
    });
  });
});
