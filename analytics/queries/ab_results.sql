-- A/B results per experiment, variant, tenant and vertical: users exposed (first exposure per user) and users who
-- converted after their exposure, for each candidate conversion event. The statistics (conversion, lift with a
-- confidence interval, sample-ratio mismatch) are computed from these rows in TypeScript, picking the column of
-- the experiment's `conversionEvent` (lib/config/experiments.ts).
WITH exposures AS (
  SELECT tenant_id, vertical, experiment, variant, user_hash, min(ts) AS exposed_at
  FROM events
  WHERE name = 'experiment_exposure' AND experiment IS NOT NULL AND variant IS NOT NULL
  GROUP BY tenant_id, vertical, experiment, variant, user_hash
),
outcomes AS (
  SELECT
    x.tenant_id,
    x.vertical,
    x.experiment,
    x.variant,
    x.user_hash,
    max(CASE WHEN e.name = 'report_created' THEN 1 ELSE 0 END) AS c_report_created,
    max(CASE WHEN e.name = 'report_viewed' THEN 1 ELSE 0 END) AS c_report_viewed,
    max(CASE WHEN e.name = 'feature_used' THEN 1 ELSE 0 END) AS c_feature_used
  FROM exposures x
  LEFT JOIN events e ON e.tenant_id = x.tenant_id AND e.user_hash = x.user_hash AND e.ts > x.exposed_at
  GROUP BY x.tenant_id, x.vertical, x.experiment, x.variant, x.user_hash
)
SELECT
  experiment,
  variant,
  tenant_id,
  vertical,
  count(*) AS exposed,
  sum(c_report_created) AS converted_report_created,
  sum(c_report_viewed) AS converted_report_viewed,
  sum(c_feature_used) AS converted_feature_used
FROM outcomes
GROUP BY experiment, variant, tenant_id, vertical
ORDER BY experiment, variant, tenant_id, vertical
