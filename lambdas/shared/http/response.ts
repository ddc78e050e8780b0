import type { ProxyResult } from './types';

/** A JSON response (`application/json`, `Cache-Control: no-store`). */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** 204 No Content (`Cache-Control: no-store`), optionally with extra headers. */
export function noContent(headers: Record<string, string> = {}): ProxyResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store', ...headers }, body: '' };
}
