import { type FormEvent, useState } from 'react';
import { useProductEvents } from '../../analytics/events-context';
import { useTenantUsage } from '../../api/usage';
import { ApiErrorView } from '../../components/ApiErrorView';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { UsageTable } from '../../components/UsageTable';
import { useSession } from '../../session/session';

/** Tenant-admin: the tenant's usage per rule, optionally for one user (per-user rules only appear with a user). */
export default function TenantUsagePage() {
  const { me } = useSession();
  const [draft, setDraft] = useState('');
  const [userId, setUserId] = useState<string>();
  const q = useTenantUsage(me.tenantId, userId);
  const events = useProductEvents();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setUserId(draft.trim() || undefined);
    events.featureUsed('usage.filter');
  };
  return (
    <>
      <PageHeader title="Tenant usage">
        <button type="button" onClick={() => void q.refetch()}>
          Refresh
        </button>
      </PageHeader>
      <form className="toolbar" onSubmit={onSubmit} aria-label="Usage filter">
        <Field label="User id (optional)">
          <input value={draft} onChange={(e) => setDraft(e.target.value)} />
        </Field>
        <button type="submit">Show usage</button>
      </form>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data ? (
        <UsageTable
          rules={q.data.rules ?? []}
          caption={userId ? `Usage of ${userId} in ${me.tenantId}` : `Usage of ${me.tenantId} (tenant rules)`}
        />
      ) : (
        <Loading label="Loading usage" />
      )}
    </>
  );
}
