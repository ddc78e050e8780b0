import { HttpError } from '../shared/http/problem';

/** The admin API's errors are the shared toolkit's {@link HttpError} (`lambdas/shared/http/problem.ts`). */
export { HttpError as ApiError };

/**
 * 403 — the same answer for "not allowed" and "does not exist (for you)", so ids of other tenants cannot be probed.
 * @param detail safe, generic text (never names another tenant's data)
 */
export function forbidden(detail = 'You are not allowed to perform this operation.', extra = {}): HttpError {
  return new HttpError(403, 'Forbidden', { detail, ...extra });
}

/** 404 for a resource the caller may see but that does not exist. */
export function notFound(detail: string): HttpError {
  return new HttpError(404, 'Not Found', { detail });
}

/** 412 — `If-Match` does not match the current ETag (RFC 9110 §13.1.1). */
export function preconditionFailed(currentEtag?: string): HttpError {
  return new HttpError(
    412,
    'Precondition Failed',
    { detail: 'The resource changed since you read it: GET it again and retry with the new ETag.' },
    currentEtag ? { etag: currentEtag } : {},
  );
}

/** 428 — an update without `If-Match` (RFC 6585 §3). */
export function preconditionRequired(): HttpError {
  return new HttpError(428, 'Precondition Required', {
    detail: 'Updates need an If-Match header with the ETag from a previous GET.',
  });
}

/** 503 with `Retry-After` (seconds) — DynamoDB/API Gateway throttled or unavailable after SDK retries. */
export function unavailable(detail: string, retryAfterSec = 1): HttpError {
  return new HttpError(503, 'Service Unavailable', { detail }, { 'retry-after': String(retryAfterSec) });
}

/** 409 — the resource already exists, or a concurrent transaction kept conflicting. */
export function conflict(detail: string): HttpError {
  return new HttpError(409, 'Conflict', { detail });
}
