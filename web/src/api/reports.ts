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

/** `GET /v1/reports/{reportId}`. */
export function useReport(reportId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['reports', 'one', reportId],
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

/** `DELETE /v1/reports/{reportId}` (tenant-admin, platform-admin); refreshes the list on success. */
export function useDeleteReport() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (reportId: string) => {
      await api.request<void>('DELETE', `/v1/reports/${encodeURIComponent(reportId)}`);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['reports'] }),
  });
}
