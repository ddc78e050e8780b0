import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/errors';

/**
 * The data client: client errors (4xx) are not retried (the human answer is shown at once), server and network
 * errors once; no refetch on window focus (deterministic screens).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 1,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
