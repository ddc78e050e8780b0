import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeUsage } from '../factories';
import { asTenantAdmin, axe, renderWithTenant } from '../render';
import { mockDb } from '../setup';

describe('my limits and usage', () => {
  it('shows each advertised rule with limit, remaining and reset (from the RateLimit headers)', async () => {
    const { container, user } = renderWithTenant(undefined, { route: '/limits' });
    const table = await screen.findByRole('table', { name: /RateLimit headers/ });
    const row = within(table).getByRole('row', { name: /tenant-rate/ });
    expect(row).toHaveTextContent('300 per 1 min');
    expect(row).toHaveTextContent('299');
    expect(within(table).getByRole('row', { name: /user-rate/ })).toHaveTextContent('60 per 1 min59');
    expect(screen.queryByRole('heading', { name: /limiter view/ })).toBeNull();
    expect(await axe(container)).toHaveNoViolations();
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('table', { name: /RateLimit headers/ })).toBeVisible();
  });

  it('adds the limiter’s view of every rule for admins', async () => {
    mockDb().usage.set('acme/admin', [
      makeUsage({ ruleId: 'user-writes', scope: 'user', remaining: 9, capacity: 10 }),
    ]);
    const { user } = renderWithTenant(undefined, asTenantAdmin('/limits'));
    const t = await screen.findByRole('table', { name: 'Usage of admin in acme' });
    expect(within(t).getByText('9 of 10')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('table', { name: 'Usage of admin in acme' })).toBeVisible();
  });

  it('answers a failed usage read with the limiter banner (after the one automatic retry)', async () => {
    const unavailable = {
      method: 'GET',
      path: '/admin/tenants/acme/usage',
      status: 503,
      body: { title: 'Service Unavailable', detail: 'The limiter store is unavailable; retry shortly.' },
      headers: { 'retry-after': '1' },
    };
    mockDb().failNext.push(unavailable, { ...unavailable });
    renderWithTenant(undefined, asTenantAdmin('/limits'));
    expect(await screen.findByRole('alert', { name: 'Service temporarily unavailable' })).toHaveTextContent(
      'The limiter store is unavailable',
    );
  });

  it('keeps the page when a refresh is rate limited: the alert with its countdown shows under the header', async () => {
    const { user } = renderWithTenant(undefined, { route: '/limits' });
    await screen.findByRole('table', { name: /RateLimit headers/ });
    mockDb().failNext.push({
      method: 'GET',
      path: '/v1/me',
      status: 429,
      body: { title: 'Too Many Requests', 'violated-policies': ['user-rate'] },
      headers: { 'retry-after': '5' },
    });
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    const alert = await screen.findByRole('alert', { name: 'Rate limit reached' });
    expect(alert).toHaveTextContent('“user-rate”');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeDisabled();
    // The session (and so the page, its Refresh button and its last table) survived the failed refetch.
    expect(screen.getByRole('heading', { level: 1, name: 'My limits and usage' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeVisible();
  });
});
