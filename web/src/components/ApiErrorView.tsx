import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/errors';
import { useAuthState } from '../auth/auth-state';
import { Countdown } from './Countdown';

/**
 * The human answer to a failed API call:
 * 401 → sign in again · 403 → not allowed · 404 → not found · 409/412 → conflict · 429 → the limit hit and a countdown
 * from `Retry-After` · 503 → service/limiter unavailable with retry · 0 → API unreachable · other → generic with the
 * request id. Anything that is not an {@link ApiError} is shown as an unexpected error (never rethrown).
 */
export function ApiErrorView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const auth = useAuthState();
  const [ready, setReady] = useState(false);
  if (!(error instanceof ApiError)) {
    return (
      <section className="notice danger" role="alert" aria-labelledby="err-title">
        <h2 id="err-title">Something went wrong</h2>
        <p>{error instanceof Error ? error.message : 'An unexpected error occurred.'}</p>
        {onRetry && (
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        )}
      </section>
    );
  }
  const rid = error.problem.requestId ? <p className="muted">Request id: {error.problem.requestId}</p> : null;
  switch (error.status) {
    case 401:
      return (
        <section className="notice" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Your session has ended</h2>
          <p>Sign in again to continue.</p>
          <button
            type="button"
            onClick={() => auth.signIn(window.location.pathname + window.location.search)}
          >
            Sign in again
          </button>
        </section>
      );
    case 403:
      return (
        <section className="notice" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Not allowed</h2>
          <p>{error.problem.detail ?? 'Your role does not allow this.'}</p>
          {error.problem.errors.length > 0 && (
            <ul>
              {error.problem.errors.map((e) => (
                <li key={e.path}>
                  <code>{e.path}</code>: {e.message}
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/">Back to home</Link>
          </p>
          {rid}
        </section>
      );
    case 404:
      return (
        <section className="notice" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Not found</h2>
          <p>{error.problem.detail ?? 'It does not exist, or it is not yours to see.'}</p>
          <p>
            <Link to="/">Back to home</Link>
          </p>
        </section>
      );
    case 409:
    case 412:
      return (
        <section className="notice warning" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Conflict</h2>
          <p>
            {error.status === 412
              ? 'Someone else changed this since you loaded it.'
              : (error.problem.detail ?? 'It conflicts with what exists.')}
          </p>
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Reload
            </button>
          )}
        </section>
      );
    case 429:
      return (
        <section className="notice warning" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Rate limit reached</h2>
          <p>
            {error.problem.violated.length > 0
              ? `The limit ${error.problem.violated.map((v) => `“${v}”`).join(', ')} was hit.`
              : 'Too many requests.'}{' '}
            <Countdown seconds={error.retryAfterSec ?? 1} onDone={() => setReady(true)} />
          </p>
          {onRetry && (
            <button type="button" onClick={onRetry} disabled={!ready}>
              Retry
            </button>
          )}
        </section>
      );
    case 503:
      return (
        <section className="notice warning" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Service temporarily unavailable</h2>
          <p>
            {error.problem.detail ??
              'The service or its rate limiter is under maintenance. Your data is safe; please retry shortly.'}
          </p>
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          )}
        </section>
      );
    case 0:
      return (
        <section className="notice danger" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">Cannot reach the API</h2>
          <p>Check your connection and retry.</p>
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          )}
        </section>
      );
    default:
      return (
        <section className="notice danger" role="alert" aria-labelledby="err-title">
          <h2 id="err-title">{error.status >= 500 ? 'Server error' : 'Request rejected'}</h2>
          <p>{error.problem.detail ?? error.problem.title ?? `HTTP ${error.status}`}</p>
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          )}
          {rid}
        </section>
      );
  }
}
