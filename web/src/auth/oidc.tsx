import { InMemoryWebStorage, type User, WebStorageStateStore } from 'oidc-client-ts';
import { type ReactNode, useMemo } from 'react';
import { AuthProvider, type AuthProviderNoUserManagerProps, useAuth } from 'react-oidc-context';
import type { ConsoleRuntimeConfig } from '../config';
import { type AuthState, AuthStateContext } from './auth-state';

/** Where the issuer sends the browser back after sign-in (a console path). */
export const CALLBACK_PATH = 'callback';

interface ReturnState {
  returnTo?: string;
}

/**
 * OIDC client settings: authorization code + PKCE (oidc-client-ts' default), `audience` for an Auth0 API access
 * token, tokens in memory (`InMemoryWebStorage`: gone on reload, never in localStorage), only the transient sign-in
 * state (PKCE verifier) in sessionStorage so it survives the redirect, silent renew with the refresh token.
 * @param origin the console's origin (`window.location.origin`)
 * @param base the console's base path (`/console/`)
 */
export function oidcSettings(
  config: ConsoleRuntimeConfig,
  origin: string,
  base: string,
): AuthProviderNoUserManagerProps {
  return {
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${origin}${base}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}${base}`,
    scope: config.scope,
    extraQueryParams: { audience: config.audience },
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: true,
    loadUserInfo: false,
    onSigninCallback: (user: User | undefined) => {
      const returnTo = (user?.state as ReturnState | undefined)?.returnTo;
      const target = returnTo?.startsWith(base) ? returnTo : base;
      window.history.replaceState({}, document.title, target);
      window.dispatchEvent(new PopStateEvent('popstate'));
    },
  };
}

function Bridge({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const value = useMemo<AuthState>(() => {
    const status: AuthState['status'] = auth.isLoading
      ? 'loading'
      : auth.error
        ? 'error'
        : auth.isAuthenticated
          ? 'signed-in'
          : 'signed-out';
    return {
      status,
      accessToken: auth.user?.access_token,
      userName: auth.user?.profile.name,
      error: auth.error?.message,
      signIn: (returnTo) => void auth.signinRedirect({ state: { returnTo } satisfies ReturnState }),
      signOut: () => void auth.signoutRedirect({ id_token_hint: auth.user?.id_token }),
    };
  }, [auth]);
  return <AuthStateContext.Provider value={value}>{children}</AuthStateContext.Provider>;
}

/** The OIDC provider plus the bridge that exposes it as {@link AuthState}. */
export function OidcAuth({ config, children }: { config: ConsoleRuntimeConfig; children: ReactNode }) {
  const settings = useMemo(
    () => oidcSettings(config, window.location.origin, import.meta.env.BASE_URL),
    [config],
  );
  return (
    <AuthProvider {...settings}>
      <Bridge>{children}</Bridge>
    </AuthProvider>
  );
}
