import { type ReactNode, useState } from 'react';
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
  const retry = (label = 'Retry', disabled = false) =>
    onRetry && (
      <button type="button" onClick={onRetry} disabled={disabled}>
        {label}
      </button>
    );
  if (!(error instanceof ApiError)) {
    return (
      <Notice tone="danger" title="Something went wrong">
        <p>{error instanceof Error ? error.message : 'An unexpected error occurred.'}</p>
        {retry()}
      </Notice>
    );
  }
  const rid = error.problem.requestId ? <p className="muted">Request id: {error.problem.requestId}</p> : null;
  const home = (
    <p>
      <Link to="/">Back to home</Link>
    </p>
  );
  switch (error.status) {
    case 401:
      return (
        <Notice title="Your session has ended">
          <p>Sign in again to continue.</p>
          <button
            type="button"
            onClick={() => auth.signIn(window.location.pathname + window.location.search)}
          >
            Sign in again
          </button>
        </Notice>
      );
    case 403:
      return (
        <Notice title="Not allowed">
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
          {home}
          {rid}
        </Notice>
      );
    case 404:
      return (
        <Notice title="Not found">
          <p>{error.problem.detail ?? 'It does not exist, or it is not yours to see.'}</p>
          {home}
        </Notice>
      );
    case 409:
    case 412:
      return (
        <Notice tone="warning" title="Conflict">
          <p>
            {error.status === 412
              ? 'Someone else changed this since you loaded it.'
              : (error.problem.detail ?? 'It conflicts with what exists.')}
          </p>
          {retry('Reload')}
        </Notice>
      );
    case 429:
      return (
        <Notice tone="warning" title="Rate limit reached">
          <p>
            {error.problem.violated.length > 0
              ? `The limit ${error.problem.violated.map((v) => `“${v}”`).join(', ')} was hit.`
              : 'Too many requests.'}{' '}
            <Countdown seconds={error.retryAfterSec ?? 1} onDone={() => setReady(true)} />
          </p>
          {retry('Retry', !ready)}
        </Notice>
      );
    case 503:
      return (
        <Notice tone="warning" title="Service temporarily unavailable">
          <p>
            {error.problem.detail ??
              'The service or its rate limiter is under maintenance. Your data is safe; please retry shortly.'}
          </p>
          {retry()}
        </Notice>
      );
    case 0:
      return (
        <Notice tone="danger" title="Cannot reach the API">
          <p>Check your connection and retry.</p>
          {retry()}
        </Notice>
      );
    default:
      return (
        <Notice tone="danger" title={error.status >= 500 ? 'Server error' : 'Request rejected'}>
          <p>{error.problem.detail ?? error.problem.title ?? `HTTP ${error.status}`}</p>
          {retry()}
          {rid}
        </Notice>
      );
  }
}

/** An alert section titled by its heading; `tone` colours its edge. */
function Notice({
  tone,
  title,
  children,
}: {
  tone?: 'danger' | 'warning';
  title: string;
  children: ReactNode;
}) {
  return (
    <section className={tone ? `notice ${tone}` : 'notice'} role="alert" aria-labelledby="err-title">
      <h2 id="err-title">{title}</h2>
      {children}
    </section>
  );
}
