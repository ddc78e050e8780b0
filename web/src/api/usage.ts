import { useQuery } from '@tanstack/react-query';
import { useApi } from './api-context';
import type { Usage } from './types';

/**
 * `GET /admin/tenants/{tenantId}/usage?userId=` (tenant-admin own tenant, platform-admin any): each applicable rule's
 * limit, remaining and reset, read from the limiter without counting.
 * @param refetchMs refresh interval, ms (live views), or `false`
 */
export function useTenantUsage(
  tenantId: string,
  userId?: string,
  opts: { enabled?: boolean; refetchMs?: number | false } = {},
) {
  const api = useApi();
  return useQuery({
    queryKey: ['usage', tenantId, userId ?? ''],
    queryFn: async ({ signal }) =>
      (
        await api.request<Usage>('GET', `/admin/tenants/${encodeURIComponent(tenantId)}/usage`, {
          query: { userId },
          signal,
        })
      ).data,
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchMs ?? false,
  });
}
