import { useState } from 'react';
import { Link } from 'react-router';
import { useReportsPage } from '../../api/reports';
import { ApiErrorView } from '../../components/ApiErrorView';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';

/** The tenant's reports, newest first, paged with the API's cursor. */
export default function ReportsPage() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const q = useReportsPage(cursor);
  const page = cursors.length;
  return (
    <>
      <PageHeader title="Reports">
        <Link className="button" to="/reports/new">
          New report
        </Link>
      </PageHeader>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading reports" />
      ) : (q.data.items ?? []).length === 0 && page === 1 ? (
        <p>No reports yet. Create the first one.</p>
      ) : (
        <>
          <table className="table">
            <caption className="sr-only">Reports, page {page}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Tags</th>
                <th scope="col">Author</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {(q.data.items ?? []).map((r) => (
                <tr key={r.reportId}>
                  <td>
                    <Link to={`/reports/${encodeURIComponent(r.reportId)}`}>{r.title}</Link>
                  </td>
                  <td>{(r.tags ?? []).join(', ') || '—'}</td>
                  <td>{r.createdBy}</td>
                  <td>{formatUtc(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Reports pages">
            <button type="button" disabled={page === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous page
            </button>
            <span>Page {page}</span>
            <button
              type="button"
              disabled={!q.data.nextCursor}
              onClick={() => setCursors((c) => [...c, q.data?.nextCursor])}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}
