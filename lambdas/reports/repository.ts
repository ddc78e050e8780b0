import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/aws/dynamodb';
import type { Report, ReportSummary } from './report';

/**
 * Storage port of the reports service. Every method takes the caller's `tenantId` and touches only that DynamoDB
 * partition: there is no way to address another tenant's item through it.
 */
export interface ReportsRepository {
  /** Stores a new report (fails if the id already exists in the tenant). */
  create(report: Report): Promise<void>;
  /** @returns the report, or `undefined` when the tenant has no report with that id */
  get(tenantId: string, reportId: string): Promise<Report | undefined>;
  /**
   * One page of the tenant's reports, newest first.
   * @param limit page size (1–100)
   * @param after continue after this report id (exclusive)
   * @returns at most `limit` items, and the id to continue after when more follow (or may follow: DynamoDB's 1 MB
   * read limit can end a page early)
   */
  list(
    tenantId: string,
    limit: number,
    after?: string,
  ): Promise<{ items: ReportSummary[]; lastReportId?: string }>;
  /** @returns `true` when deleted, `false` when the tenant had no such report */
  delete(tenantId: string, reportId: string): Promise<boolean>;
}

/**
 * DynamoDB implementation over the `reports` table (`REPORTS_TABLE`; key `tenantId` + `reportId`).
 * @param client document client (default: the shared {@link documentClient})
 * @param table physical table name (default: `tableName('reports')`, read lazily per call)
 */
export function dynamoReportsRepository(
  client: () => DynamoDBDocumentClient = documentClient,
  table: () => string = () => tableName('reports'),
): ReportsRepository {
  return {
    async create(report) {
      await client().send(
        new PutCommand({
          TableName: table(),
          Item: report,
          ConditionExpression: 'attribute_not_exists(reportId)',
        }),
      );
    },
    async get(tenantId, reportId) {
      const out = await client().send(new GetCommand({ TableName: table(), Key: { tenantId, reportId } }));
      return out.Item as Report | undefined;
    },
    async list(tenantId, limit, after) {
      const out = await client().send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': tenantId },
          ExpressionAttributeNames: {
            '#tenantId': 'tenantId',
            '#reportId': 'reportId',
            '#title': 'title',
            '#tags': 'tags',
            '#createdBy': 'createdBy',
            '#createdAt': 'createdAt',
          },
          ProjectionExpression: '#tenantId, #reportId, #title, #tags, #createdBy, #createdAt',
          ScanIndexForward: false,
          // One extra item tells whether another page exists, so the last page never ends in an empty one.
          Limit: limit + 1,
          ...(after ? { ExclusiveStartKey: { tenantId, reportId: after } } : {}),
        }),
      );
      const items = (out.Items ?? []) as ReportSummary[];
      if (items.length > limit) {
        const page = items.slice(0, limit);
        return { items: page, lastReportId: page[page.length - 1]!.reportId };
      }
      // Fewer items but a LastEvaluatedKey: the 1 MB read limit cut the page short, more may follow.
      const last = out.LastEvaluatedKey?.reportId;
      return typeof last === 'string' ? { items, lastReportId: last } : { items };
    },
    async delete(tenantId, reportId) {
      try {
        await client().send(
          new DeleteCommand({
            TableName: table(),
            Key: { tenantId, reportId },
            ConditionExpression: 'attribute_exists(reportId)',
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    },
  };
}
