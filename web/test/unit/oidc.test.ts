import { describe, expect, it } from 'vitest';
import { CALLBACK_PATH, oidcSettings } from '../../src/auth/oidc';

describe('OIDC settings', () => {
  const config = {
    stage: 'dev',
    apiUrl: 'https://api.example',
    authority: 'https://tenant.auth0.com/',
    clientId: 'spa',
    audience: 'https://api.marketedge.io',
    scope: 'openid profile offline_access',
  };

  it('authorization code + PKCE with the API audience, tokens in memory, state in sessionStorage', () => {
    const s = oidcSettings(config, 'https://console.example', '/console/');
    expect(s).toMatchObject({
      authority: 'https://tenant.auth0.com/',
      client_id: 'spa',
      redirect_uri: `https://console.example/console/${CALLBACK_PATH}`,
      post_logout_redirect_uri: 'https://console.example/console/',
      extraQueryParams: { audience: 'https://api.marketedge.io' },
      automaticSilentRenew: true,
    });
    // The user store is memory-backed: nothing lands in localStorage or sessionStorage.
    void s.userStore?.set('k', 'token');
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('returns to the requested console path after sign-in, and never off the console', () => {
    const s = oidcSettings(config, 'http://localhost', '/console/');
    window.history.replaceState({}, '', '/console/callback?code=x&state=y');
    void s.onSigninCallback?.({ state: { returnTo: '/console/reports' } } as never);
    expect(window.location.pathname).toBe('/console/reports');
    void s.onSigninCallback?.({ state: { returnTo: 'https://evil.example/' } } as never);
    expect(window.location.pathname).toBe('/console/');
  });
});
