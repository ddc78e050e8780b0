import { readFileSync } from 'node:fs';
import type { AnalyticsQueryName } from '../../../lib/config/analytics';

/**
 * Directory name of the standard queries next to a Lambda bundle: CDK copies `analytics/queries/*.sql` there for the
 * Lambdas that run them (`ServiceFunction` `assets`), so the files stay the one home of the SQL.
 */
export const BUNDLED_QUERIES_DIR = 'analytics-queries';

const cache = new Map<AnalyticsQueryName, string>();

/**
 * Text of `analytics/queries/<name>.sql`: from {@link BUNDLED_QUERIES_DIR} beside the bundle (Lambda), else from the
 * source tree (local stack, scripts, tests). Read once per process.
 * @throws {Error} when neither file exists
 */
export function querySqlText(name: AnalyticsQueryName): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const candidates = [
    new URL(`./${BUNDLED_QUERIES_DIR}/${name}.sql`, import.meta.url),
    new URL(`../../../analytics/queries/${name}.sql`, import.meta.url),
  ];
  for (const url of candidates) {
    try {
      const text = readFileSync(url, 'utf8');
      cache.set(name, text);
      return text;
    } catch {
      // try the next location
    }
  }
  throw new Error(`query file not found: ${name}.sql`);
}
