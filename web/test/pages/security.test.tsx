import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeBlock, makeClamp, makeSecurityEvent, makeTenant } from '../factories';
import { asPlatformAdmin, asTenantAdmin, axe, renderWithTenant } from '../render';
import { mockDb } from '../setup';

function seed() {
  const db = mockDb();
  const now = Date.now();
  db.tenants.set('acme', makeTenant({ tenantId: 'acme', name: 'Acme Retail' }));
  db.security.blocks = [
    makeBlock(now, { cidr: '203.0.113.30/32', ttlSec: 3600 }),
    makeBlock(now, {
      cidr: '2001:db8::bad/128',
      version: 6,
      source: 'failed-auth',
      severity: 7,
      ttlSec: 600,
    }),
    makeBlock(now, { cidr: '198.51.100.99/32', ttlSec: -5 }), // expired, not yet swept: not shown
  ];
  db.security.clamps = [makeClamp(now, { tenantId: 'acme', ttlSec: 900 })];
  db.security.events = [
    makeSecurityEvent({
      type: 'TenantActivityAnomaly',
      outcome: 'detected',
      reason: 'requests_jump',
      tenantId: 'acme',
    }),
    makeSecurityEvent({
      type: 'GuardDutyFinding',
      outcome: 'detected',
      reason: 'guardduty_high',
      details: { band: 'high' },
    }),
    makeSecurityEvent({
      type: 'AuthFailed',
      outcome: 'unauthorized',
      reason: 'token_expired',
      sourceIp: '192.0.2.7',
      route: '/v1/me',
    }),
    makeSecurityEvent({
      type: 'AuthFailed',
      outcome: 'unauthorized',
      reason: 'token_expired',
      sourceIp: '192.0.2.7',
      route: '/v1/me',
    }),
    makeSecurityEvent({
      type: 'AuthDenied',
      outcome: 'forbidden',
      reason: 'tenant_suspended',
      sourceIp: '192.0.2.8',
      tenantId: 'hooli',
    }),
  ];
  return db;
}

describe('platform: security', () => {
  it('shows the figures, active blocks with expiry (soonest first), clamps and recent events; no axe violation', async () => {
    seed();
    const { container } = renderWithTenant(undefined, asPlatformAdmin('/platform/security'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Security' })).toBeVisible();
    const blocks = await screen.findByRole('table', { name: /Addresses in the WAF IP sets/ });
    const rows = within(blocks).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]?.textContent)).toEqual([
      '2001:db8::bad/128',
      '203.0.113.30/32',
    ]);
    expect(within(rows[0] as HTMLElement).getByText(/\((9|10) min/)).toBeVisible();
    expect(within(rows[1] as HTMLElement).getByText(/\((59 min|1 h)/)).toBeVisible();
    const clamps = screen.getByRole('table', { name: /Emergency limits/ });
    expect(within(clamps).getByRole('link', { name: 'acme' })).toHaveAttribute(
      'href',
      '/platform/tenants/acme',
    );
    const reasons = screen.getByRole('table', { name: 'Refusals by reason' });
    expect(
      within(reasons)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual(['token_expired2', 'tenant_suspended1']);
    const top = screen.getByRole('table', { name: 'Top source addresses of refusals' });
    expect(within(top).getAllByRole('row')[1]?.textContent).toBe('192.0.2.72');
    const figures = screen.getByRole('heading', { name: 'Figures' }).closest('section') as HTMLElement;
    expect(within(figures).getByText('high 1 · medium 0 · low 0')).toBeVisible();
    expect(within(figures).getByText(/^Over the 5 most recent security events \(since /)).toBeVisible();
    const events = screen.getByRole('table', { name: /Newest first/ });
    expect(within(events).getAllByRole('row')).toHaveLength(6);
    expect(within(events).getByText('TenantActivityAnomaly')).toBeVisible();
    expect(screen.getByRole('link', { name: 'Security' })).toBeVisible();
    expect(await axe(container)).toHaveNoViolations();
  });

  it('unblocks an address early: the reason is required, the request is audited, the block leaves the list', async () => {
    const db = seed();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/security'));
    await user.click(await screen.findByRole('button', { name: 'Unblock 203.0.113.30/32' }));
    const dialog = screen.getByRole('dialog', { name: 'Unblock 203.0.113.30/32?' });
    await user.click(within(dialog).getByRole('button', { name: 'Unblock' }));
    await waitFor(() =>
      expect(within(dialog).getByLabelText('Reason')).toHaveAttribute('aria-invalid', 'true'),
    );
    await user.type(within(dialog).getByLabelText('Reason'), 'our own scanner');
    await user.click(within(dialog).getByRole('button', { name: 'Unblock' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('status')).toHaveTextContent('Unblock of 203.0.113.30/32 requested');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Unblock 203.0.113.30/32' })).toBeNull());
    expect(db.audit).toEqual([
      expect.objectContaining({
        action: 'security.unblock',
        pk: 'PLATFORM',
        after: { lifted: true, reason: 'our own scanner' },
      }),
    ]);
  });

  it('the dialog keeps focus inside (reason field included) and Escape cancels without a request', async () => {
    const db = seed();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/security'));
    const opener = await screen.findByRole('button', { name: 'Unblock 2001:db8::bad/128' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.tab();
    expect(within(dialog).getByLabelText('Reason')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
    expect(db.audit).toEqual([]);
  });

  it('lifts a tenant clamp early after confirmation', async () => {
    const db = seed();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/security'));
    await user.click(await screen.findByRole('button', { name: 'Lift clamp of acme' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Lift clamp' }));
    await waitFor(() => expect(screen.getByText('No tenant is clamped.')).toBeVisible());
    expect(screen.getByRole('status')).toHaveTextContent('Lifting the clamp of acme requested.');
    expect(db.audit.map((a) => [a.action, a.pk])).toEqual([['security.clamp.lift', 'TENANT#acme']]);
  });

  it('a clamp already lifted elsewhere answers 404 in place; empty lists say so', async () => {
    const db = seed();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/security'));
    await user.click(await screen.findByRole('button', { name: 'Lift clamp of acme' }));
    db.security.clamps = [];
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Lift clamp' }));
    expect(await screen.findByRole('alert', { name: 'Not found' })).toBeVisible();
    db.security = { blocks: [], clamps: [], events: [] };
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('No active block.')).toBeVisible();
    expect(screen.getByText('No security event yet.')).toBeVisible();
    expect(
      screen.getByText(
        'No security event recorded yet; the CloudWatch security dashboard has the full series.',
      ),
    ).toBeVisible();
    expect(screen.queryByText(/Over the 0/)).toBeNull();
  });

  it('an unavailable API is answered with a retry', async () => {
    const db = mockDb();
    // Server errors are retried once by the data client: both attempts fail.
    for (let i = 0; i < 2; i++)
      db.failNext.push({
        method: 'GET',
        path: '/admin/security',
        status: 503,
        body: { title: 'Service Unavailable', status: 503 },
      });
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/security'));
    const alert = await screen.findByRole('alert', { name: 'Service temporarily unavailable' });
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No active block.')).toBeVisible();
  });

  it('is for platform admins only', async () => {
    renderWithTenant(undefined, asTenantAdmin('/platform/security'));
    expect(await screen.findByRole('heading', { level: 1, name: /not allowed/i })).toBeVisible();
    expect(screen.queryByRole('link', { name: 'Security' })).toBeNull();
  });
});
