import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTenantUsage } from '../../api/usage';
import { ApiErrorView } from '../../components/ApiErrorView';
import { Field } from '../../components/Field';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { UsageTable } from '../../components/UsageTable';

/** Refresh interval of the live view, ms. */
export const LIVE_REFRESH_MS = 5000;

/** Platform-admin: a tenant's usage per rule, refreshed every few seconds (pausable). */
export default function LiveUsagePage() {
  const [params, setParams] = useSearchParams();
  const tenantId = params.get('tenant') ?? '';
  const [draft, setDraft] = useState(tenantId);
  const [paused, setPaused] = useState(false);
  const q = useTenantUsage(tenantId, undefined, {
    enabled: tenantId !== '',
    refetchMs: paused ? false : LIVE_REFRESH_MS,
  });
  return (
    <>
      <PageHeader title="Live usage" />
      <form
        className="toolbar"
        aria-label="Tenant"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(draft.trim() ? { tenant: draft.trim() } : {});
        }}
      >
        <Field label="Tenant id">
          <input value={draft} onChange={(e) => setDraft(e.target.value)} />
        </Field>
        <button type="submit">Watch</button>
        <button type="button" className="secondary" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Resume refresh' : 'Pause refresh'}
        </button>
      </form>
      {tenantId === '' ? (
        <p>Enter a tenant id to watch its usage.</p>
      ) : q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading usage" />
      ) : (
        <>
          <p className="muted" aria-live="off">
            {paused ? 'Paused' : `Refreshing every ${LIVE_REFRESH_MS / 1000} s`} · updated{' '}
            {formatUtc(new Date(q.dataUpdatedAt).toISOString())}
          </p>
          <UsageTable rules={q.data.rules ?? []} caption={`Usage of ${tenantId} (${q.data.tier})`} />
        </>
      )}
    </>
  );
}
