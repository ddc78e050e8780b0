import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { logQueries, logQueryName, logSourceGroupName } from '../config/log-queries';

/**
 * Saves the stage's Logs Insights queries (`lib/config/log-queries.ts`) as `AWS::Logs::QueryDefinition`s named
 * `MarketEdge/<stage>/<id>`, each scoped to its log groups (by name: the groups live in the Api stack).
 */
export function buildLogQueries(scope: Construct, config: StageConfig): logs.CfnQueryDefinition[] {
  return logQueries(config).map(
    (spec) =>
      new logs.CfnQueryDefinition(scope, `Query-${spec.id}`, {
        name: logQueryName(config.name, spec.id),
        queryString: spec.query,
        logGroupNames: spec.sources.map((src) => logSourceGroupName(config.name, src)),
      }),
  );
}
