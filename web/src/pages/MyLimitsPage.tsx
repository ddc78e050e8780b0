import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTenantUsage } from '../api/usage';
import { formatDuration } from '../clock';
import { ApiErrorView } from '../components/ApiErrorView';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { TableScroll } from '../components/TableScroll';
import { UsageTable } from '../components/UsageTable';
import { ME_QUERY_KEY, useMeQuery, useSession } from '../session/session';

/**
 * The caller's limits: the rules the API advertised on its latest answer (`RateLimit-Policy` / `RateLimit` of
 * `GET /v1/me`), and for admins the limiter's own view of every rule for this user (usage API, counts nothing).
 */
export default function MyLimitsPage() {
  const { me, hasRole } = useSession();
  const meQuery = useMeQuery();
  const qc = useQueryClient();
  const captionId = useId();
  const isAdmin = hasRole('tenant-admin', 'platform-admin');
  const usage = useTenantUsage(me.tenantId, me.userId, { enabled: isAdmin });
  const limits = meQuery.data?.limits ?? [];
  return (
    <>
      <PageHeader title="My limits and usage">
        <button
          type="button"
          onClick={() => {
            void qc.invalidateQueries({ queryKey: ME_QUERY_KEY });
            if (isAdmin) void usage.refetch();
          }}
        >
          Refresh
        </button>
      </PageHeader>
      <p className="muted">
        Refreshing sends one request (<code>GET /v1/me</code>), which itself counts against the read limits
        below.
      </p>
      {meQuery.error && <ApiErrorView error={meQuery.error} onRetry={() => void meQuery.refetch()} />}
      {limits.length === 0 ? (
        <p>The API advertised no limits on its last answer.</p>
      ) : (
        <TableScroll captionId={captionId}>
          <table className="table">
            <caption id={captionId}>Limits on reading (from the API's RateLimit headers)</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Limit</th>
                <th scope="col">Remaining</th>
                <th scope="col">Resets in</th>
              </tr>
            </thead>
            <tbody>
              {limits.map((l) => (
                <tr key={l.ruleId}>
                  <th scope="row">{l.ruleId}</th>
                  <td>
                    {l.limit} per {formatDuration(l.windowSec)}
                  </td>
                  <td>{l.remaining ?? '—'}</td>
                  <td>{l.resetSec === undefined ? '—' : formatDuration(l.resetSec)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {isAdmin && (
        <section aria-labelledby="all-rules">
          <h2 id="all-rules">Every rule for you (limiter view)</h2>
          {usage.error ? (
            <ApiErrorView error={usage.error} onRetry={() => void usage.refetch()} />
          ) : usage.data ? (
            <UsageTable rules={usage.data.rules ?? []} caption={`Usage of ${me.userId} in ${me.tenantId}`} />
          ) : (
            <Loading label="Loading usage" />
          )}
        </section>
      )}
    </>
  );
}
