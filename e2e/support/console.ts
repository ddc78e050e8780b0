import { expect, type Locator, type Page } from '@playwright/test';
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

/**
 * Types `value` into a console (React) text field, replacing what it held. Use it instead of `locator.fill` on the
 * console's forms: over WebDriver BiDi (our Firefox project), Playwright 1.64.1's `fill` inserts text by assigning
 * `element.value` and dispatching a synthetic `input` event (`bidiInsertText` in playwright-core). React's value
 * tracker sees that assignment, finds no change when the event arrives, and never calls `onChange`, so the
 * controlled field re-renders empty (a real user's typing is unaffected). Chromium's `fill` uses CDP
 * `Input.insertText`, which React sees. In Firefox the text goes through the browser's own editing command
 * (`document.execCommand('insertText')` on the selected content: native `beforeinput` / `input` events with
 * `inputType: insertText`, as a paste or an IME would produce) — one round trip. Real key presses
 * (`pressSequentially`) also work but cost two BiDi round trips per character: 56 s for the report form's 75
 * characters at load 20, half of the test's time budget. docs/testing.md.
 */
export async function typeInto(field: Locator, value: string): Promise<void> {
  const browser = field.page().context().browser()?.browserType().name();
  if (browser !== 'firefox') {
    await field.fill(value);
    return;
  }
  // Focus, select and insert in one round trip (each BiDi round trip costs seconds on a starved machine).
  await field.evaluate((el, text) => {
    const input = el as unknown as {
      focus(): void;
      select(): void;
      ownerDocument: { execCommand(c: string, ui: boolean, v?: string): boolean };
    };
    input.focus();
    input.select();
    const doc = input.ownerDocument;
    if (!text) doc.execCommand('delete', false);
    else if (!doc.execCommand('insertText', false, text)) throw new Error('insertText was refused');
  }, value);
  await expect(field).toHaveValue(value);
}
