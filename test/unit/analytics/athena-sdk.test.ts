import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { createAthenaRunner } from '../../../lambdas/shared/analytics/athena-query';
import { athenaApiFromSdk } from '../../../lambdas/shared/analytics/athena-sdk';
import { ANALYTICS_QUERY_WAIT_MS } from '../../../lib/config/analytics-api';

/** A client fake: records each command and answers from `answer(command)`. */
function fakeClient(answer: (c: unknown) => Record<string, unknown>) {
  const sent: unknown[] = [];
  const client = {
    send: async (c: unknown) => {
      sent.push(c);
      return answer(c);
    },
  } as unknown as AthenaClient;
  return { client, sent };
}

describe('Athena port over @aws-sdk/client-athena', () => {
  it('maps start, state, pages and the workgroup output location to the typed commands', async () => {
    const { client, sent } = fakeClient((c) => {
      if (c instanceof StartQueryExecutionCommand) return { QueryExecutionId: 'q1' };
      if (c instanceof GetQueryExecutionCommand) {
        return {
          QueryExecution: {
            Status: { State: 'FAILED', StateChangeReason: 'SYNTAX_ERROR' },
            ResultConfiguration: { OutputLocation: 's3://r/q1.csv' },
          },
        };
      }
      if (c instanceof GetQueryResultsCommand) {
        return { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'a' }, {}] }] }, NextToken: 't2' };
      }
      if (c instanceof GetWorkGroupCommand) {
        return { WorkGroup: { Configuration: { ResultConfiguration: { OutputLocation: 's3://r/' } } } };
      }
      throw new Error('unexpected command');
    });
    const api = athenaApiFromSdk(client);
    expect(await api.start({ sql: 'SELECT ?', parameters: ["'x'"], workgroup: 'wg', database: 'db' })).toBe(
      'q1',
    );
    expect((sent[0] as StartQueryExecutionCommand).input).toEqual({
      QueryString: 'SELECT ?',
      ExecutionParameters: ["'x'"],
      WorkGroup: 'wg',
      QueryExecutionContext: { Database: 'db' },
    });
    await api.start({ sql: 'SELECT 1', parameters: [], workgroup: 'wg', database: 'db' });
    expect((sent[1] as StartQueryExecutionCommand).input.ExecutionParameters).toBeUndefined();
    expect(await api.state('q1')).toEqual({
      state: 'FAILED',
      reason: 'SYNTAX_ERROR',
      outputLocation: 's3://r/q1.csv',
    });
    expect(await api.page('q1')).toEqual({ rows: [['a', null]], nextToken: 't2' });
    expect((sent[3] as GetQueryResultsCommand).input).toEqual({
      QueryExecutionId: 'q1',
      NextToken: undefined,
      MaxResults: 1000,
    });
    expect(await api.outputLocation('wg')).toBe('s3://r/');
  });

  it('refuses an answer without an execution id or a workgroup without an output location', async () => {
    const api = athenaApiFromSdk(fakeClient(() => ({})).client);
    await expect(api.start({ sql: 'x', parameters: [], workgroup: 'w', database: 'd' })).rejects.toThrow(
      /no id/,
    );
    await expect(api.outputLocation('w')).rejects.toThrow(/no output location/);
    expect(await api.state('q')).toEqual({ state: 'UNKNOWN' });
  });

  it('the runner waits ANALYTICS_QUERY_WAIT_MS by default before giving up', async () => {
    let slept = 0;
    const runner = createAthenaRunner({
      api: {
        start: async () => 'q',
        state: async () => ({ state: 'RUNNING' }),
        page: async () => ({ rows: [] }),
        outputLocation: async () => 's3://r/',
      },
      workgroup: 'w',
      database: 'd',
      sleep: async (ms) => {
        slept += ms;
      },
    });
    await expect(runner.run('SELECT 1', [])).rejects.toThrow(`after ${ANALYTICS_QUERY_WAIT_MS} ms`);
    expect(slept).toBe(ANALYTICS_QUERY_WAIT_MS);
  });
});
