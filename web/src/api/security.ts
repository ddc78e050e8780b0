import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SecurityOverview } from '../../../lambdas/admin/security-overview';
import { useApi } from './api-context';

export type {
  BlockView,
  ClampView,
  SecurityOverview,
  SecuritySummary,
} from '../../../lambdas/admin/security-overview';
export type { SecurityEvent } from '../../../lambdas/shared/security/event-schema';

/** Refresh interval of the security page, ms (the responder acts within seconds of a request). */
export const SECURITY_REFRESH_MS = 10_000;

/** `GET /admin/security?events=` — active blocks and clamps, recent events and their figures (platform-admin). */
export function useSecurityOverview(events = 50) {
  const api = useApi();
  return useQuery({
    queryKey: ['security', events],
    queryFn: async ({ signal }) =>
      (await api.request<SecurityOverview>('GET', '/admin/security', { query: { events }, signal })).data,
    refetchInterval: SECURITY_REFRESH_MS,
  });
}

/** What the admin API answers to an early lift (202): the responder acts on it within seconds. */
export interface LiftRequested {
  status: 'requested';
  requestId: string;
  cidr?: string;
  tenantId?: string;
}

/** `POST /admin/security/unblock` `{ cidr, reason }`. */
export function useUnblock() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { cidr: string; reason: string }) =>
      (await api.request<LiftRequested>('POST', '/admin/security/unblock', { body })).data,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['security'] }),
  });
}

/** `DELETE /admin/security/clamps/{tenantId}`. */
export function useLiftClamp() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (tenantId: string) =>
      (await api.request<LiftRequested>('DELETE', `/admin/security/clamps/${encodeURIComponent(tenantId)}`))
        .data,
    onSuccess: (_res, tenantId) => {
      void qc.invalidateQueries({ queryKey: ['security'] });
      void qc.invalidateQueries({ queryKey: ['limits', tenantId] });
    },
  });
}
