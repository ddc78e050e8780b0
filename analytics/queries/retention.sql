-- Weekly retention cohorts per tenant and vertical: a user's cohort is the ISO week (Monday start) of their first
-- event in scope; week_offset N counts the cohort's users active N weeks later.
WITH firsts AS (
  SELECT tenant_id, vertical, user_hash, date_trunc('week', min(ts)) AS cohort_week
  FROM events
  GROUP BY tenant_id, vertical, user_hash
),
activity AS (
  SELECT DISTINCT tenant_id, vertical, user_hash, date_trunc('week', ts) AS active_week
  FROM events
),
sizes AS (
  SELECT tenant_id, vertical, cohort_week, count(*) AS cohort_users
  FROM firsts
  GROUP BY tenant_id, vertical, cohort_week
)
SELECT
  f.tenant_id,
  f.vertical,
  CAST(f.cohort_week AS DATE) AS cohort_week,
  date_diff('week', f.cohort_week, a.active_week) AS week_offset,
  count(*) AS users,
  s.cohort_users,
  round(CAST(count(*) AS DOUBLE) / s.cohort_users, 4) AS retention
FROM firsts f
JOIN activity a ON a.tenant_id = f.tenant_id AND a.vertical = f.vertical AND a.user_hash = f.user_hash
JOIN sizes s ON s.tenant_id = f.tenant_id AND s.vertical = f.vertical AND s.cohort_week = f.cohort_week
GROUP BY f.tenant_id, f.vertical, f.cohort_week, date_diff('week', f.cohort_week, a.active_week), s.cohort_users
ORDER BY f.tenant_id, f.vertical, cohort_week, week_offset
