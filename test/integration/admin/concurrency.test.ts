import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, call, createAdminApi, testDeps } from '../../unit/admin/fixtures';
import { type AdminDb, startAdminDb } from './setup';

let adb: AdminDb;

beforeAll(async () => {
  adb = await startAdminDb('conc');
});
afterAll(async () => {
  await adb.stop();
});

async function auditActions(
  tenantId: string,
): Promise<{ action: string; after: unknown; requestId: string }[]> {
  const out = await adb.client.send(
    new QueryCommand({
      TableName: adb.tables.audit,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `TENANT#${tenantId}` },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []) as { action: string; after: unknown; requestId: string }[];
}

describe('two admins, same ETag, at the same time', () => {
  it('PATCH tenant: exactly one 2xx, one 412; the audit log has exactly the successful change', async () => {
    // Two Lambda containers: separate app instances on the same table.
    const a = createAdminApi(testDeps(adb.repo));
    const b = createAdminApi(testDeps(adb.repo));
    const read = await call(a, { method: 'GET', path: '/admin/tenants/globex', actor: ACTORS.platformAdmin });
    const etag = read.headers.etag!;
    const [r1, r2] = await Promise.all([
      call(a, {
        method: 'PATCH',
        path: '/admin/tenants/globex',
        headers: { 'If-Match': etag },
        body: { name: 'Globex by admin A' },
        requestId: 'req-admin-a',
      }),
      call(b, {
        method: 'PATCH',
        path: '/admin/tenants/globex',
        headers: { 'If-Match': etag },
        body: { name: 'Globex by admin B' },
        requestId: 'req-admin-b',
      }),
    ]);
    const statuses = [r1.status, r2.status].sort();
    expect(statuses).toEqual([200, 412]);
    const winner = r1.status === 200 ? r1 : r2;
    const winnerId = r1.status === 200 ? 'req-admin-a' : 'req-admin-b';
    const audit = await auditActions('globex');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'tenant.update', requestId: winnerId });
    expect((audit[0]!.after as { name: string }).name).toBe(winner.body.name);
    const now = await call(a, { method: 'GET', path: '/admin/tenants/globex' });
    expect(now.body.name).toBe(winner.body.name);
    expect(now.headers.etag).toBe('"2"');
  });

  it('PUT limits, repeated 10 times with 2 racers each: one winner per round, one audit record per win', async () => {
    const apps = [createAdminApi(testDeps(adb.repo)), createAdminApi(testDeps(adb.repo))];
    let wins = 0;
    for (let round = 0; round < 10; round++) {
      const cur = await call(apps[0]!, { method: 'GET', path: '/admin/tenants/umbrella/limits' });
      const results = await Promise.all(
        apps.map((app, i) =>
          call(app, {
            method: 'PUT',
            path: '/admin/tenants/umbrella/limits',
            headers: { 'If-Match': cur.headers.etag! },
            body: {
              rules: [{ id: `r${round}-${i}`, scope: 'tenant', kind: 'rate', limit: 100 + i, periodSec: 1 }],
            },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
      wins++;
    }
    const audit = await auditActions('umbrella');
    expect(audit).toHaveLength(wins);
    const final = await call(apps[0]!, { method: 'GET', path: '/admin/tenants/umbrella/limits' });
    expect(final.headers.etag).toBe(`"${wins}"`);
    expect((audit.at(-1)!.after as { id: string }[])[0]!.id).toBe(
      (final.body.overrides as { id: string }[])[0]!.id,
    );
  });
});
