import { useQuery } from '@tanstack/react-query';
import type { AnalyticsQueryName } from '../../../lib/config/analytics';
import { type AnalyticsQueryResponse, analyticsQueryResponseSchema } from '../../../lib/config/analytics-api';
import type { Vertical } from '../../../lib/config/data-model';
import { useApi } from './api-context';

/**
 * Filters of `GET /admin/analytics/{query}` (lib/config/analytics-api.ts). The server confines them: a tenant admin
 * always gets its own tenant whatever is sent; a platform admin gets all tenants, one tenant or one vertical.
 */
export interface AnalyticsFilters {
  tenantId?: string;
  vertical?: Vertical;
  /** First UTC day `yyyy-mm-dd` (default: 30 days before `to`). */
  from?: string;
  /** Last UTC day `yyyy-mm-dd` (default: today). */
  to?: string;
}

/** The answer of query `Q`, rows typed per query. */
export type AnalyticsResult<Q extends AnalyticsQueryName> = Extract<AnalyticsQueryResponse, { query: Q }>;

/**
 * `GET /admin/analytics/{query}` over `filters`, parsed with the API's own response schema (numbers as numbers
 * whichever engine ran); a body that does not match is an error, not a half-drawn chart.
 */
export function useAnalytics<Q extends AnalyticsQueryName>(query: Q, filters: AnalyticsFilters) {
  const api = useApi();
  return useQuery({
    queryKey: ['analytics', query, filters],
    queryFn: async ({ signal }) => {
      const res = await api.request<unknown>('GET', `/admin/analytics/${query}`, {
        query: { ...filters },
        signal,
      });
      return analyticsQueryResponseSchema.parse(res.data) as AnalyticsResult<Q>;
    },
  });
}
