-- DAU / WAU / MAU and stickiness per tenant and vertical.
-- dau: average distinct users per active day; wau: per ISO week (Monday start); mau: per calendar month;
-- stickiness = dau / mau. Scope (tenant, vertical, dates) is applied by the runner to `events`.
WITH daily AS (
  SELECT tenant_id, vertical, CAST(ts AS DATE) AS day, count(DISTINCT user_hash) AS users
  FROM events
  GROUP BY tenant_id, vertical, CAST(ts AS DATE)
),
weekly AS (
  SELECT tenant_id, vertical, date_trunc('week', ts) AS week, count(DISTINCT user_hash) AS users
  FROM events
  GROUP BY tenant_id, vertical, date_trunc('week', ts)
),
monthly AS (
  SELECT tenant_id, vertical, date_trunc('month', ts) AS month, count(DISTINCT user_hash) AS users
  FROM events
  GROUP BY tenant_id, vertical, date_trunc('month', ts)
),
d AS (
  SELECT tenant_id, vertical, count(*) AS active_days, avg(CAST(users AS DOUBLE)) AS dau
  FROM daily
  GROUP BY tenant_id, vertical
),
w AS (
  SELECT tenant_id, vertical, avg(CAST(users AS DOUBLE)) AS wau
  FROM weekly
  GROUP BY tenant_id, vertical
),
m AS (
  SELECT tenant_id, vertical, avg(CAST(users AS DOUBLE)) AS mau
  FROM monthly
  GROUP BY tenant_id, vertical
)
SELECT
  d.tenant_id,
  d.vertical,
  d.active_days,
  round(d.dau, 2) AS dau,
  round(w.wau, 2) AS wau,
  round(m.mau, 2) AS mau,
  round(d.dau / m.mau, 4) AS stickiness
FROM d
JOIN w ON w.tenant_id = d.tenant_id AND w.vertical = d.vertical
JOIN m ON m.tenant_id = d.tenant_id AND m.vertical = d.vertical
ORDER BY d.tenant_id, d.vertical
