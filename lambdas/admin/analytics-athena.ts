import type { AnalyticsReader } from './analytics-port';
import { unavailable } from './errors';

/**
 * The Athena adapter of {@link AnalyticsReader} (AWS). Not built yet: every call answers 503.
 * @param _env the Lambda environment (workgroup, database, export bucket)
 */
export function athenaReaderFromEnv(_env: NodeJS.ProcessEnv): AnalyticsReader {
  const fail = async (): Promise<never> => {
    throw unavailable('Analytics through Athena are not available yet.', 60);
  };
  return { engine: 'athena', query: fail, exportEvents: fail };
}
