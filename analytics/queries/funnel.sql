-- Report funnel per tenant and vertical, ordered steps within 7 days of step 1 (each step strictly after the
-- previous one; report_created appears twice, so step 4 needs a second report after the view):
--   1 page_view  ->  2 report_created  ->  3 report_viewed  ->  4 report_created
WITH s1 AS (
  SELECT tenant_id, vertical, user_hash, min(ts) AS t1
  FROM events
  WHERE name = 'page_view'
  GROUP BY tenant_id, vertical, user_hash
),
s2 AS (
  SELECT s1.tenant_id, s1.vertical, s1.user_hash, s1.t1, min(e.ts) AS t2
  FROM s1
  JOIN events e ON e.tenant_id = s1.tenant_id AND e.user_hash = s1.user_hash
  WHERE e.name = 'report_created' AND e.ts > s1.t1 AND e.ts <= s1.t1 + INTERVAL '7' DAY
  GROUP BY s1.tenant_id, s1.vertical, s1.user_hash, s1.t1
),
s3 AS (
  SELECT s2.tenant_id, s2.vertical, s2.user_hash, s2.t1, min(e.ts) AS t3
  FROM s2
  JOIN events e ON e.tenant_id = s2.tenant_id AND e.user_hash = s2.user_hash
  WHERE e.name = 'report_viewed' AND e.ts > s2.t2 AND e.ts <= s2.t1 + INTERVAL '7' DAY
  GROUP BY s2.tenant_id, s2.vertical, s2.user_hash, s2.t1
),
s4 AS (
  SELECT s3.tenant_id, s3.vertical, s3.user_hash
  FROM s3
  JOIN events e ON e.tenant_id = s3.tenant_id AND e.user_hash = s3.user_hash
  WHERE e.name = 'report_created' AND e.ts > s3.t3 AND e.ts <= s3.t1 + INTERVAL '7' DAY
  GROUP BY s3.tenant_id, s3.vertical, s3.user_hash
),
per_user AS (
  SELECT s1.tenant_id, s1.vertical, s1.user_hash, s2.t2, s3.t3, s4.user_hash AS done
  FROM s1
  LEFT JOIN s2 ON s2.tenant_id = s1.tenant_id AND s2.user_hash = s1.user_hash
  LEFT JOIN s3 ON s3.tenant_id = s1.tenant_id AND s3.user_hash = s1.user_hash
  LEFT JOIN s4 ON s4.tenant_id = s1.tenant_id AND s4.user_hash = s1.user_hash
)
SELECT
  tenant_id,
  vertical,
  count(*) AS step_1_page_view,
  count(t2) AS step_2_report_created,
  count(t3) AS step_3_report_viewed,
  count(done) AS step_4_report_created,
  round(CAST(count(t2) AS DOUBLE) / count(*), 4) AS conversion_2,
  round(CAST(count(t3) AS DOUBLE) / count(*), 4) AS conversion_3,
  round(CAST(count(done) AS DOUBLE) / count(*), 4) AS conversion_4
FROM per_user
GROUP BY tenant_id, vertical
ORDER BY tenant_id, vertical
