import type { APIGatewayProxyResult } from 'aws-lambda';

/** One invalid field in a 400 response: `path` is the dotted field path (e.g. `rules.2.limit`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Builds an RFC 9457 problem-details response (`application/problem+json`).
 * @param status HTTP status code
 * @param title short human summary, the same for every occurrence of this problem type
 * @param extra extension members (e.g. `detail`, `errors`, `violated-policies`, `requestId`)
 * @param headers extra response headers (e.g. `Retry-After`)
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export function problem(
  status: number,
  title: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ type: `https://docs.marketedge.io/problems/${status}`, title, status, ...extra }),
  };
}

/** 400 with the list of invalid fields. */
export function badRequest(errors: FieldError[], detail = 'The request is invalid.'): APIGatewayProxyResult {
  return problem(400, 'Bad Request', { detail, errors });
}

/** Converts zod-style issues (`{ path, message }`) to {@link FieldError}s, optionally under a path prefix. */
export function fieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix?: string,
): FieldError[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || '(body)',
    message: i.message,
  }));
}

/**
 * An error that maps to one problem response (RFC 9457). Thrown anywhere below an endpoint and turned into the
 * response, with the request id, by the handler wrapper (`handler.ts`); never carries secrets in `detail` or `extra`.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  /**
   * @param status HTTP status code (4xx/5xx)
   * @param title short summary, the same for every occurrence of this problem type
   * @param extra extension members (`detail`, `errors`, …)
   * @param headers extra response headers (e.g. `Retry-After`, `Allow`)
   */
  constructor(
    readonly status: number,
    readonly title: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${title}${typeof extra.detail === 'string' ? `: ${extra.detail}` : ''}`);
  }

  /** The problem response of this error (`requestId` added when given). */
  toResult(requestId?: string): APIGatewayProxyResult {
    return problem(
      this.status,
      this.title,
      { ...this.extra, ...(requestId ? { requestId } : {}) },
      this.headers,
    );
  }
}

/** 400 with field paths (`rules.2.limit`, `path.tier`, `query.limit`, `(body)`). */
export function validationError(errors: FieldError[], detail = 'The request is invalid.'): HttpError {
  return new HttpError(400, 'Bad Request', { detail, errors });
}
