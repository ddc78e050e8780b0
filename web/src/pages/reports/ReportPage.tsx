import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useDeleteReport, useReport } from '../../api/reports';
import { ApiErrorView } from '../../components/ApiErrorView';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../session/session';

/** One report; tenant-admins and platform-admins may delete it (after confirming). */
export default function ReportPage() {
  const { reportId = '' } = useParams();
  const del = useDeleteReport();
  // Once deleting, never fetch this report again: its query is dropped on success (no 404 refetch).
  const q = useReport(reportId, { enabled: del.isIdle || del.isError });
  const navigate = useNavigate();
  const { hasRole } = useSession();
  const [confirming, setConfirming] = useState(false);
  if (q.error) {
    return (
      <>
        <PageHeader title="Report" />
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      </>
    );
  }
  if (!q.data) return <Loading label="Loading report" />;
  const r = q.data;
  return (
    <>
      <PageHeader title={r.title}>
        {hasRole('tenant-admin', 'platform-admin') && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete report
          </button>
        )}
      </PageHeader>
      <p className="muted">
        By {r.createdBy} · {formatUtc(r.createdAt)}
        {(r.tags ?? []).length > 0 && <> · tags: {(r.tags ?? []).join(', ')}</>}
      </p>
      <article className="report-body">{r.body || <em>No text.</em>}</article>
      {del.error && <ApiErrorView error={del.error} onRetry={() => del.reset()} />}
      <p>
        <Link to="/reports">Back to reports</Link>
      </p>
      {confirming && (
        <ConfirmDialog
          title="Delete this report?"
          confirmLabel="Delete"
          busy={del.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            del.mutate(r.reportId, {
              onSuccess: () => navigate('/reports'),
              onSettled: () => setConfirming(false),
            })
          }
        >
          <p>“{r.title}” will be removed for everyone in your tenant. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
