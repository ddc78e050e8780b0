import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { asPlatformAdmin, axe, renderWithTenant } from '../render';
import { mockDb } from '../setup';

describe('shell, navigation and guards', () => {
  it('a plain user sees only the workspace pages', async () => {
    const { container } = renderWithTenant();
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Home', 'Reports', 'My limits']);
    expect(await axe(container)).toHaveNoViolations();
  });

  it('a platform-admin sees the three sections', async () => {
    renderWithTenant(undefined, asPlatformAdmin('/'));
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByText('Platform')).toBeVisible();
    expect(within(nav).getByRole('link', { name: 'Tenants' })).toBeVisible();
    expect(within(nav).getByRole('link', { name: 'User limits' })).toBeVisible();
  });

  it('the Menu button shows and folds the side navigation (narrow viewports); a navigation or Escape folds it', async () => {
    const { user, container } = renderWithTenant(undefined, asPlatformAdmin('/'));
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const menu = screen.getByRole('button', { name: 'Menu' });
    expect(menu).toHaveAttribute('aria-controls', nav.id);
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(nav).not.toHaveClass('open');
    await user.click(menu);
    expect(menu).toHaveAttribute('aria-expanded', 'true');
    expect(nav).toHaveClass('open');
    expect(await axe(container)).toHaveNoViolations();
    await user.click(within(nav).getByRole('link', { name: 'Tenants' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Tenants' })).toBeVisible();
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    await user.click(menu);
    within(nav).getByRole('link', { name: 'Security' }).focus();
    await user.keyboard('{Escape}');
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(menu).toHaveFocus();
  });

  it('a role-guarded page by URL answers "not allowed", an unknown path "not found"', async () => {
    const { unmount } = renderWithTenant(undefined, { route: '/platform/tenants' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
    unmount();
    renderWithTenant(undefined, { route: '/admin/users', roles: ['user'] });
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
    renderWithTenant(undefined, { route: '/nowhere' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  });

  it('moves focus to the new page heading after navigation and sets the title', async () => {
    const { user } = renderWithTenant();
    await screen.findByRole('heading', { level: 1, name: /Welcome/ });
    await user.click(screen.getByRole('link', { name: 'Reports' }));
    const h1 = await screen.findByRole('heading', { level: 1, name: 'Reports' });
    await vi_waitForFocus(h1);
    expect(document.title).toBe('Reports · MarketEdge');
  });

  it('signs out through the auth provider', async () => {
    const { user, auth } = renderWithTenant();
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(auth.calls).toEqual(['signOut']);
  });

  it('shows the sign-in screen when signed out, and the error when sign-in failed', async () => {
    const { user, auth, unmount } = renderWithTenant(undefined, { auth: { status: 'signed-out' } });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(auth.calls[0]).toMatch(/^signIn:/);
    unmount();
    renderWithTenant(undefined, { auth: { status: 'error', error: 'state mismatch' } });
    expect(screen.getByRole('alert')).toHaveTextContent('Sign-in failed: state mismatch.');
    renderWithTenant(undefined, { auth: { status: 'loading' } });
    expect(screen.getAllByRole('status')[0]).toHaveTextContent('Signing in');
  });

  it('a 401 on /v1/me asks to sign in again; an odd body does not crash', async () => {
    mockDb().failNext.push({ method: 'GET', path: '/v1/me', status: 401, body: { message: 'Unauthorized' } });
    const { user, auth, unmount } = renderWithTenant();
    await user.click(await screen.findByRole('button', { name: 'Sign in again' }));
    expect(auth.calls[0]).toMatch(/^signIn:/);
    unmount();
    mockDb().failNext.push({ method: 'GET', path: '/v1/me', status: 200, body: ['odd'] });
    renderWithTenant();
    expect(await screen.findByText('The API answered /v1/me with an unexpected body.')).toBeVisible();
  });
});

async function vi_waitForFocus(el: HTMLElement): Promise<void> {
  const { waitFor } = await import('@testing-library/react');
  await waitFor(() => expect(el).toHaveFocus());
}
