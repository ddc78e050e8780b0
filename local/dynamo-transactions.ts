import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * dynalite 4 implements no `TransactWriteItems`/`TransactGetItems`. This proxy sits in front of a dynalite
 * endpoint and adds both, so code that writes a change and its audit record in one transaction runs unchanged
 * against the in-memory DynamoDB:
 *
 * - Every request (transactional or not) passes through one FIFO lock, so a transaction is atomic and isolated
 *   with respect to every other request sent through the proxy (serializable, like DynamoDB's transactions).
 * - A write transaction snapshots each target item, applies the operations one by one as the equivalent
 *   single-item calls (so dynalite's own validation and condition-expression evaluation decide), and on the
 *   first failure restores every snapshot. A failed condition answers `TransactionCanceledException` with
 *   `CancellationReasons` (one per item, `ConditionalCheckFailed` or `None`) as DynamoDB does; other errors are
 *   passed through as dynalite raised them.
 * - `ConditionCheck` runs as a conditional `UpdateItem` of a scratch attribute that is then rolled back.
 *
 * Differences from DynamoDB, acceptable for tests: only the first failing condition is reported; idempotency
 * tokens are ignored; a client that talks to dynalite directly (not through the proxy) bypasses the lock.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
export interface TransactionProxy {
  /** `http://127.0.0.1:<port>` — use as `DYNAMODB_ENDPOINT`. */
  endpoint: string;
  /**
   * Fault injection (`PUT /_local/faults` `dynamodb-failing`): while `true`, every call is answered 500
   * `InternalServerError` (retryable, as DynamoDB answers an internal failure) without reaching dynalite.
   */
  setFailing(on: boolean): void;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
interface Op {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  spec: Json;
  table: string;
  key: Json;
}
class DynamoError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message ?? body.__type));
  }
}

const INTERNAL_ERROR = 'com.amazonaws.dynamodb.v20120810#InternalServerError';

const AUTH =
  'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/**
 * Starts the proxy on a free 127.0.0.1 port in front of `target` (a dynalite endpoint).
 * @param target e.g. `http://127.0.0.1:4567`
 */
export async function startTransactionProxy(target: string): Promise<TransactionProxy> {
  let chain: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const keySchemas = new Map<string, string[]>();

  const call = async (operation: string, body: Json): Promise<Json> => {
    const res = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'x-amz-date': '20240101T000000Z',
        authorization: AUTH,
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Json;
    if (res.status !== 200) throw new DynamoError(res.status, json);
    return json;
  };

  const keyOf = async (table: string, item: Json): Promise<Json> => {
    let names = keySchemas.get(table);
    if (!names) {
      const d = (await call('DescribeTable', { TableName: table })) as {
        Table: { KeySchema: { AttributeName: string }[] };
      };
      names = d.Table.KeySchema.map((k) => k.AttributeName);
      keySchemas.set(table, names);
    }
    return Object.fromEntries(names.map((n) => [n, item[n]]));
  };

  const transactWrite = async (data: Json): Promise<Json> => {
    const items = (data.TransactItems ?? []) as Json[];
    const ops: Op[] = [];
    for (const entry of items) {
      const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((k) => entry[k]);
      if (kinds.length !== 1) {
        throw new DynamoError(400, {
          __type: 'com.amazon.coral.validate#ValidationException',
          message: 'TransactItems entries need exactly one of Put, Update, Delete, ConditionCheck',
        });
      }
      const kind = kinds[0]!;
      const spec = entry[kind] as Json;
      const table = String(spec.TableName);
      const key = kind === 'Put' ? await keyOf(table, spec.Item as Json) : (spec.Key as Json);
      ops.push({ kind, spec, table, key });
    }
    const ids = ops.map((o) => `${o.table}|${JSON.stringify(o.key)}`);
    if (new Set(ids).size !== ids.length) {
      throw new DynamoError(400, {
        __type: 'com.amazon.coral.validate#ValidationException',
        message: 'Transaction request cannot include multiple operations on one item',
      });
    }
    const snapshots: (Json | undefined)[] = [];
    for (const o of ops) {
      const got = await call('GetItem', { TableName: o.table, Key: o.key, ConsistentRead: true });
      snapshots.push(got.Item as Json | undefined);
    }
    const restore = async (i: number) => {
      const o = ops[i]!;
      const snap = snapshots[i];
      if (snap) await call('PutItem', { TableName: o.table, Item: snap });
      else await call('DeleteItem', { TableName: o.table, Key: o.key });
    };
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i]!;
      const { ReturnValuesOnConditionCheckFailure: returnOld, ...spec } = o.spec;
      try {
        if (o.kind === 'Put') await call('PutItem', spec);
        else if (o.kind === 'Update') await call('UpdateItem', spec);
        else if (o.kind === 'Delete') await call('DeleteItem', spec);
        else {
          await call('UpdateItem', {
            ...spec,
            UpdateExpression: 'SET #txcc = :txcc',
            ExpressionAttributeNames: { ...(spec.ExpressionAttributeNames as Json), '#txcc': '__txcc' },
            ExpressionAttributeValues: { ...(spec.ExpressionAttributeValues as Json), ':txcc': { N: '1' } },
          });
        }
      } catch (err) {
        for (let j = i - 1; j >= 0; j--) await restore(j);
        if (
          err instanceof DynamoError &&
          String(err.body.__type).endsWith('ConditionalCheckFailedException')
        ) {
          const reasons = ops.map((_, j) =>
            j === i
              ? {
                  Code: 'ConditionalCheckFailed',
                  Message: 'The conditional request failed',
                  ...(returnOld === 'ALL_OLD' && snapshots[i] ? { Item: snapshots[i] } : {}),
                }
              : { Code: 'None' },
          );
          throw new DynamoError(400, {
            __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
            message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
            CancellationReasons: reasons,
          });
        }
        throw err;
      }
    }
    for (let i = 0; i < ops.length; i++) if (ops[i]!.kind === 'ConditionCheck') await restore(i);
    return {};
  };

  const transactGet = async (data: Json): Promise<Json> => {
    const responses: Json[] = [];
    for (const entry of (data.TransactItems ?? []) as { Get: Json }[]) {
      const got = await call('GetItem', { ...entry.Get, ConsistentRead: true });
      responses.push(got.Item ? { Item: got.Item } : {});
    }
    return { Responses: responses };
  };

  let failing = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const targetHeader = String(req.headers['x-amz-target'] ?? '');
      const op = targetHeader.split('.')[1] ?? '';
      const send = (status: number, body: string, contentType = 'application/x-amz-json-1.0') => {
        res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (failing) {
        send(500, JSON.stringify({ __type: INTERNAL_ERROR, message: 'local fault: dynamodb-failing' }));
        return;
      }
      void locked(async () => {
        try {
          if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
            const data = JSON.parse(raw || '{}') as Json;
            const out = op === 'TransactWriteItems' ? await transactWrite(data) : await transactGet(data);
            send(200, JSON.stringify(out));
            return;
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) {
            if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
          }
          const upstream = await fetch(target, {
            method: req.method ?? 'POST',
            headers,
            ...(req.method === 'GET' ? {} : { body: raw }),
          });
          send(
            upstream.status,
            await upstream.text(),
            upstream.headers.get('content-type') ?? 'application/x-amz-json-1.0',
          );
        } catch (err) {
          if (err instanceof DynamoError) send(err.status, JSON.stringify(err.body));
          else send(500, JSON.stringify({ __type: INTERNAL_ERROR, message: String(err) }));
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setFailing(on) {
      failing = on;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
