/** A field error of an RFC 9457 problem body (`errors[]`, the API's 400s). */
export interface FieldError {
  /** Dotted path, e.g. `rules.2.limit`, `ttlSec`, `(body)`. */
  path: string;
  message: string;
}

/** The parts of an RFC 9457 problem body the console reads (anything else is ignored). */
export interface Problem {
  title?: string;
  detail?: string;
  requestId?: string;
  errors: FieldError[];
  /** For 429: the rule ids that denied the request (`violated-policies`). */
  violated: string[];
}

/**
 * A non-2xx API answer, or a network failure (`status` 0). Carries what the human answer needs: the problem body
 * (tolerantly parsed), `Retry-After` in seconds and the rule that denied a 429.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfterSec?: number,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** The first field error at `path` (exact) or under it (`path.` prefix). */
  fieldError(path: string): string | undefined {
    return this.problem.errors.find((e) => e.path === path || e.path.startsWith(`${path}.`))?.message;
  }
}

/** Reads a problem body without trusting its shape: missing or odd members become `undefined` / `[]`. */
export function toProblem(body: unknown): Problem {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const errors = Array.isArray(o.errors)
    ? o.errors.flatMap((e) => {
        const r = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
        const path = str(r.path);
        const message = str(r.message);
        return path !== undefined && message !== undefined ? [{ path, message }] : [];
      })
    : [];
  const message = str(o.message);
  const violatedRaw = o['violated-policies'];
  const violated = Array.isArray(violatedRaw)
    ? violatedRaw.filter((v): v is string => typeof v === 'string')
    : [];
  return {
    title: str(o.title) ?? message,
    detail: str(o.detail),
    requestId: str(o.requestId),
    errors,
    violated,
  };
}

/** `true` when `e` is an {@link ApiError} with one of the statuses. */
export function isApiError(e: unknown, ...statuses: number[]): e is ApiError {
  return e instanceof ApiError && (statuses.length === 0 || statuses.includes(e.status));
}
