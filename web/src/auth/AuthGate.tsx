import type { ReactNode } from 'react';
import { Loading } from '../components/Loading';
import { useAuthState } from './auth-state';

/** Renders children when signed in; otherwise the sign-in screen (or the sign-in error with a retry). */
export function AuthGate({ children }: { children: ReactNode }) {
  const auth = useAuthState();
  if (auth.status === 'loading') return <Loading label="Signing in" />;
  if (auth.status === 'signed-in') return <>{children}</>;
  const returnTo = window.location.pathname.includes('/callback')
    ? undefined
    : window.location.pathname + window.location.search;
  return (
    <main className="page narrow signin" id="main">
      <h1>MarketEdge console</h1>
      {auth.status === 'error' && (
        <p role="alert" className="notice danger">
          Sign-in failed: {auth.error ?? 'unknown error'}.
        </p>
      )}
      <p>Sign in with your MarketEdge account to see your reports, limits and usage.</p>
      <button type="button" onClick={() => auth.signIn(returnTo)}>
        Sign in
      </button>
    </main>
  );
}
