import { expect, type Page } from '@playwright/test';
import { CONSOLE_BASE_PATH } from '../../lib/config/console';
import type { Principal } from './tokens';

/** A console URL path: `console('reports')` → `/console/reports`. */
export function consolePath(path = ''): string {
  return `${CONSOLE_BASE_PATH}${path.replace(/^\//, '')}`;
}

/** Options of {@link signIn}. */
export interface SignInOptions {
  /** Console page to open (default home); the console returns there after sign-in. */
  path?: string;
  /** Session lifetime, seconds (local issuer: no refresh token, so the session really ends). */
  sessionSec?: number;
}

/**
 * Signs in through the real flow: open a console page → "Sign in" → the local issuer's login page ("another user":
 * the tenant, user and roles of `who`) → authorization code + PKCE → back on the page that was asked for.
 */
export async function signIn(page: Page, who: Principal, opts: SignInOptions = {}): Promise<void> {
  await page.goto(consolePath(opts.path));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await completeLogin(page, who, opts.sessionSec);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Fills the local issuer's "another user" form (the browser is on its login page) and submits it. */
export async function completeLogin(page: Page, who: Principal, sessionSec?: number): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to MarketEdge' })).toBeVisible();
  await page.getByLabel('Tenant id').fill(who.tenantId);
  await page.getByLabel('User id').fill(who.userId);
  for (const role of who.roles) await page.getByRole('checkbox', { name: role, exact: true }).check();
  if (sessionSec !== undefined) await page.getByLabel(/Session lifetime/).fill(String(sessionSec));
  await page.getByRole('button', { name: 'Sign in as this user' }).click();
  await page.waitForURL((u) => u.pathname.startsWith(CONSOLE_BASE_PATH) && !u.pathname.endsWith('/callback'));
}

/** Signs out with the console's button and waits for the signed-out screen. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
}

/**
 * Client-side navigation to a console path (history push + popstate, as the router's links do). The session lives
 * in memory only, so `page.goto` (a full load) would end it; this keeps it.
 */
export async function navigateInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((target) => {
    const w = globalThis as unknown as {
      history: { pushState(state: unknown, title: string, url: string): void };
      dispatchEvent(e: unknown): boolean;
      PopStateEvent: new (type: string) => unknown;
    };
    w.history.pushState({}, '', target);
    w.dispatchEvent(new w.PopStateEvent('popstate'));
  }, consolePath(path));
}
