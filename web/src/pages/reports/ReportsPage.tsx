import { Link } from 'react-router';
import { useReportsPage } from '../../api/reports';
import type { ReportSummary } from '../../api/types';
import { ApiErrorView } from '../../components/ApiErrorView';
import { type Column, DataTable } from '../../components/DataTable';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Pager, useCursorPages } from '../../components/Pager';

const REPORT_COLUMNS: readonly Column<ReportSummary>[] = [
  {
    id: 'title',
    header: 'Title',
    cell: (r) => <Link to={`/reports/${encodeURIComponent(r.reportId)}`}>{r.title}</Link>,
  },
  { id: 'tags', header: 'Tags', cell: (r) => (r.tags ?? []).join(', ') || '—' },
  { id: 'author', header: 'Author', cell: (r) => r.createdBy },
  { id: 'created', header: 'Created', cell: (r) => formatUtc(r.createdAt) },
];

/** The tenant's reports, newest first, paged with the API's cursor. */
export default function ReportsPage() {
  const pages = useCursorPages();
  const q = useReportsPage(pages.token);
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
      ) : (q.data.items ?? []).length === 0 && pages.page === 1 ? (
        <p>No reports yet. Create the first one.</p>
      ) : (
        <>
          <DataTable
            caption={`Reports, page ${pages.page}`}
            captionHidden
            columns={REPORT_COLUMNS}
            rows={q.data.items ?? []}
            rowKey={(r) => r.reportId}
            empty="No reports on this page."
          />
          <Pager label="Reports pages" pages={pages} nextToken={q.data.nextCursor} />
        </>
      )}
    </>
  );
}
