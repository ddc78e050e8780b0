-- Feature adoption per tenant and vertical: the share of active users (any event in scope) who used each feature
-- (feature_used events).
WITH active AS (
  SELECT tenant_id, vertical, count(DISTINCT user_hash) AS active_users
  FROM events
  GROUP BY tenant_id, vertical
),
used AS (
  SELECT tenant_id, vertical, feature, count(DISTINCT user_hash) AS users, count(DISTINCT event_id) AS uses
  FROM events
  WHERE name = 'feature_used' AND feature IS NOT NULL
  GROUP BY tenant_id, vertical, feature
)
SELECT
  u.tenant_id,
  u.vertical,
  u.feature,
  u.users,
  u.uses,
  a.active_users,
  round(CAST(u.users AS DOUBLE) / a.active_users, 4) AS adoption
FROM used u
JOIN active a ON a.tenant_id = u.tenant_id AND a.vertical = u.vertical
ORDER BY u.tenant_id, u.vertical, adoption DESC, u.feature
