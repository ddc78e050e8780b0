import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { OperationsSummary } from '../../../local/metrics/operations';
import { useApi } from './api-context';

export type { OperationsSummary };

/**
 * Path under the API URL of the operations summary (`operationsPath` of `config.json`; the local stack's
 * `/_local/operations`), or `undefined` on stages without one.
 */
export const OperationsPathContext = createContext<string | undefined>(undefined);

/** The operations summary path of this console, if any. */
export function useOperationsPath(): string | undefined {
  return useContext(OperationsPathContext);
}

/**
 * The operations summary of the last `minutes` (per route, tenant and user type; limiter decisions; time series),
 * refreshed every `refetchMs` (or not, with `false`). Disabled without an operations path.
 */
export function useOperations(minutes: number, refetchMs: number | false) {
  const api = useApi();
  const path = useOperationsPath();
  return useQuery({
    queryKey: ['operations', path ?? '', minutes],
    queryFn: async ({ signal }) =>
      (await api.request<OperationsSummary>('GET', path ?? '', { query: { minutes }, signal })).data,
    enabled: path !== undefined,
    refetchInterval: refetchMs,
  });
}
