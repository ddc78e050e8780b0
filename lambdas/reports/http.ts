import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A JSON response (`application/json`, `Cache-Control: no-store`). */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Case-insensitive single header lookup on a REST proxy event. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() === lower && typeof v === 'string') return v;
  }
  return undefined;
}

/** Result of {@link parseJsonBody}. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 415; message: string };

/**
 * Parses a request body as JSON, honouring `isBase64Encoded`.
 * @returns `ok: false` with 415 when a `Content-Type` other than JSON (`application/json`, `*+json`) is declared, or
 * 400 when the body is missing or not valid JSON (RFC 8259)
 */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
): JsonBody {
  const type = header(event, 'content-type');
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim())) {
    return { ok: false, status: 415, message: 'Content-Type must be application/json.' };
  }
  if (event.body === null || event.body === undefined || event.body === '') {
    return { ok: false, status: 400, message: 'A JSON body is required.' };
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: 'The body is not valid JSON.' };
  }
}
