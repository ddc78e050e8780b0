import type { APIGatewayProxyResult } from 'aws-lambda';
import { type FieldError, fieldErrors, problem } from '../shared/http/problem';

/**
 * An error that maps to one HTTP problem response (RFC 9457). Thrown anywhere below a route handler and turned
 * into the response by the admin app; never carries secrets in `detail` or `extra`.
 */
export class ApiError extends Error {
  override name = 'ApiError';
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

  /** The problem response of this error. */
  toResult(requestId?: string): APIGatewayProxyResult {
    return problem(
      this.status,
      this.title,
      { ...this.extra, ...(requestId ? { requestId } : {}) },
      this.headers,
    );
  }
}

/** 400 with field paths (`rules.2.limit`, `path.tier`, `query.limit`). */
export function validationError(errors: FieldError[], detail = 'The request is invalid.'): ApiError {
  return new ApiError(400, 'Bad Request', { detail, errors });
}

/** 400 from zod issues, optionally under a path prefix (`path`, `query`). */
export function zodError(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix?: string,
): ApiError {
  return validationError(fieldErrors(issues, prefix));
}

/**
 * 403 — the same answer for "not allowed" and "does not exist (for you)", so ids of other tenants cannot be probed.
 * @param detail safe, generic text (never names another tenant's data)
 */
export function forbidden(detail = 'You are not allowed to perform this operation.', extra = {}): ApiError {
  return new ApiError(403, 'Forbidden', { detail, ...extra });
}

/** 404 for a resource the caller may see but that does not exist. */
export function notFound(detail: string): ApiError {
  return new ApiError(404, 'Not Found', { detail });
}

/** 412 — `If-Match` does not match the current ETag (RFC 9110 §13.1.1). */
export function preconditionFailed(currentEtag?: string): ApiError {
  return new ApiError(
    412,
    'Precondition Failed',
    { detail: 'The resource changed since you read it: GET it again and retry with the new ETag.' },
    currentEtag ? { etag: currentEtag } : {},
  );
}

/** 428 — an update without `If-Match` (RFC 6585 §3). */
export function preconditionRequired(): ApiError {
  return new ApiError(428, 'Precondition Required', {
    detail: 'Updates need an If-Match header with the ETag from a previous GET.',
  });
}

/** 503 with `Retry-After` (seconds) — DynamoDB/API Gateway throttled or unavailable after SDK retries. */
export function unavailable(detail: string, retryAfterSec = 1): ApiError {
  return new ApiError(503, 'Service Unavailable', { detail }, { 'retry-after': String(retryAfterSec) });
}

/** 409 — the resource already exists, or a concurrent transaction kept conflicting. */
export function conflict(detail: string): ApiError {
  return new ApiError(409, 'Conflict', { detail });
}
