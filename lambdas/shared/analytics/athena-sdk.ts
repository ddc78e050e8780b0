import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { AthenaApi } from './athena-query';

/**
 * {@link AthenaApi} over `@aws-sdk/client-athena` (external to the bundles: the Lambda runtime's SDK). Result pages
 * of 1 000 rows (Athena's maximum).
 * @throws {Error} SDK errors (throttling, access denied) as the client raises them
 */
export function athenaApiFromSdk(client: AthenaClient): AthenaApi {
  return {
    async start(input) {
      const out = await client.send(
        new StartQueryExecutionCommand({
          QueryString: input.sql,
          ExecutionParameters: input.parameters.length ? input.parameters : undefined,
          WorkGroup: input.workgroup,
          QueryExecutionContext: { Database: input.database },
        }),
      );
      if (!out.QueryExecutionId) throw new Error('athena: StartQueryExecution returned no id');
      return out.QueryExecutionId;
    },
    async state(id) {
      const { QueryExecution: qe } = await client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      const reason = qe?.Status?.StateChangeReason;
      const outputLocation = qe?.ResultConfiguration?.OutputLocation;
      return {
        state: qe?.Status?.State ?? 'UNKNOWN',
        ...(reason ? { reason } : {}),
        ...(outputLocation ? { outputLocation } : {}),
      };
    },
    async page(id, nextToken) {
      const out = await client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken, MaxResults: 1000 }),
      );
      return {
        rows: (out.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null)),
        ...(out.NextToken ? { nextToken: out.NextToken } : {}),
      };
    },
    async outputLocation(workgroup) {
      const out = await client.send(new GetWorkGroupCommand({ WorkGroup: workgroup }));
      const loc = out.WorkGroup?.Configuration?.ResultConfiguration?.OutputLocation;
      if (!loc) throw new Error(`workgroup ${workgroup} has no output location`);
      return loc;
    },
  };
}
