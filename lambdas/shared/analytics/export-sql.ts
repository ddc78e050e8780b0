import { EVENT_COLUMNS } from '../../../lib/config/analytics';

/**
 * The body of `GET /admin/analytics/export`, shared by DuckDB's `COPY … TO` (local) and Athena's `UNLOAD` (AWS):
 * every stored column plus the partition columns (`tenant_id`, `dt`), one row per `event_id` (the earliest received copy), in time order. It reads the
 * scoped `events` like the standard queries (`scopedSql` adds the scope).
 */
export function exportSelectSql(): string {
  const cols = EVENT_COLUMNS.map((c) => c.name).join(', ');
  return `SELECT ${cols}, tenant_id, dt FROM (
  SELECT ${cols}, tenant_id, dt, row_number() OVER (PARTITION BY event_id ORDER BY received_at) AS copy_no
  FROM events
) deduped
WHERE copy_no = 1
ORDER BY ts, event_id`;
}
