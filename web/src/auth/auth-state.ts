import { createContext, useContext } from 'react';

/**
 * What the console needs from authentication, independent of the OIDC library: the app fills it from
 * `react-oidc-context` ({@link ../auth/OidcAuthBridge}), tests from `renderWithTenant`.
 */
export interface AuthState {
  status: 'loading' | 'signed-in' | 'signed-out' | 'error';
  /** The access token (held in memory only), when signed in. */
  accessToken?: string;
  /** Display name from the ID token (`name`). */
  userName?: string;
  /** Why signing in failed (status `error`). */
  error?: string;
  /** Starts authorization code + PKCE; after the callback the console returns to `returnTo` (a console path). */
  signIn(returnTo?: string): void;
  /** Signs out at the issuer (RP-initiated logout) and forgets the tokens. */
  signOut(): void;
}

export const AuthStateContext = createContext<AuthState | null>(null);

/** The current {@link AuthState}. @throws {Error} outside an auth provider */
export function useAuthState(): AuthState {
  const s = useContext(AuthStateContext);
  if (!s) throw new Error('useAuthState outside AuthStateContext');
  return s;
}
