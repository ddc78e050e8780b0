import type { Context } from 'aws-lambda';

/**
 * A Lambda `Context` for an in-process invocation (what the Node runtime passes as the handler's 2nd argument).
 * @param functionName e.g. `marketedge-local-reports`
 * @param requestId `awsRequestId`
 * @param timeoutMs the function timeout, ms (drives `getRemainingTimeInMillis`)
 */
export function lambdaContext(functionName: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
