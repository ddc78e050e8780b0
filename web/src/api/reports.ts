import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './api-context';
import type { Report, ReportPage } from './types';

/** Page size of the reports list. */
export const REPORTS_PAGE_SIZE = 10;

/** `GET /v1/reports?limit=&cursor=` — one page, newest first. */
export function useReportsPage(cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['reports', 'page', cursor ?? ''],
    queryFn: async ({ signal }) =>
      (
        await api.request<ReportPage>('GET', '/v1/reports', {
          query: { limit: REPORTS_PAGE_SIZE, cursor },
          signal,
        })
      ).data,
  });
}

/**
 * `GET /v1/reports/{reportId}`. `enabled: false` stops it fetching (the page of a report being deleted: its query is
 * dropped from the cache on success, and an enabled observer would fetch it again, a 404).
 */
export function useReport(reportId: string, { enabled = true }: { enabled?: boolean } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: ['reports', 'one', reportId],
    enabled,
    queryFn: async ({ signal }) =>
      (await api.request<Report>('GET', `/v1/reports/${encodeURIComponent(reportId)}`, { signal })).data,
  });
}

/** `POST /v1/reports`; refreshes the list on success. */
export function useCreateReport() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { title: string; body: string; tags: string[] }) =>
      (await api.request<Report>('POST', '/v1/reports', { body: input })).data,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['reports', 'page'] }),
  });
}

/**
 * `DELETE /v1/reports/{reportId}` (tenant-admin, platform-admin). On success the deleted report's own query is dropped
 * from the cache, not invalidated: invalidating it refetched it while its page was still shown, a `GET` answered
 * 404 (and the mutation waited for it); the page showing it disables its `useReport` while deleting. The list pages
 * are marked stale, to be fetched again when shown.
 */
export function useDeleteReport() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (reportId: string) => {
      await api.request<void>('DELETE', `/v1/reports/${encodeURIComponent(reportId)}`);
    },
    onSuccess: async (_, reportId) => {
      const one = ['reports', 'one', reportId];
      await qc.cancelQueries({ queryKey: one, exact: true });
      qc.removeQueries({ queryKey: one, exact: true });
      await qc.invalidateQueries({ queryKey: ['reports', 'page'] });
    },
  });
}
