-- Events per UTC day and event name, per tenant and vertical (duplicates by event_id counted once), with the
-- distinct users who sent them. Feeds the console charts and the weekly report.
SELECT
  tenant_id,
  vertical,
  dt,
  name,
  count(DISTINCT event_id) AS events,
  count(DISTINCT user_hash) AS users
FROM events
GROUP BY tenant_id, vertical, dt, name
ORDER BY tenant_id, vertical, dt, name
