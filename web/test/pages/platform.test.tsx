import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAuditEntry, makeBypass, makeTenant, makeUsage } from '../factories';
import { asPlatformAdmin, asTenantAdmin, axe, renderWithTenant } from '../render';
import { mockDb } from '../setup';

function seedTenants() {
  const db = mockDb();
  for (const t of [
    makeTenant({ tenantId: 'acme', name: 'Acme Retail', tier: 'standard', vertical: 'retail' }),
    makeTenant({ tenantId: 'globex', name: 'Globex Hotels', tier: 'premium', vertical: 'hospitality' }),
    makeTenant({
      tenantId: 'hooli',
      name: 'Hooli',
      tier: 'standard',
      vertical: 'retail',
      status: 'suspended',
    }),
  ]) {
    db.tenants.set(t.tenantId, t);
  }
  return db;
}

describe('platform: tenants', () => {
  it('lists, searches and filters tenants', async () => {
    seedTenants();
    const { user, container } = renderWithTenant(undefined, asPlatformAdmin('/platform/tenants'));
    const table = await screen.findByRole('table', { name: 'Tenants, page 1' });
    expect(within(table).getByRole('link', { name: 'globex' })).toBeVisible();
    expect(await axe(container)).toHaveNoViolations();
    await user.type(screen.getByLabelText('Search'), 'hotels');
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    await user.clear(screen.getByLabelText('Search'));
    await user.selectOptions(screen.getByLabelText('Status'), 'suspended');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'acme' })).toBeNull());
    expect(screen.getByRole('link', { name: 'hooli' })).toBeVisible();
    await user.selectOptions(screen.getByLabelText('Status'), 'active');
    await user.selectOptions(screen.getByLabelText('Tier'), 'premium');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'acme' })).toBeNull());
    await user.selectOptions(screen.getByLabelText('Vertical'), 'retail');
    expect(await screen.findByText('No tenants match.')).toBeVisible();
  });

  it('pages through tenants', async () => {
    const db = mockDb();
    for (let i = 0; i < 30; i++)
      db.tenants.set(
        `t${String(i).padStart(2, '0')}`,
        makeTenant({ tenantId: `t${String(i).padStart(2, '0')}` }),
      );
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/tenants'));
    await screen.findByRole('table', { name: 'Tenants, page 1' });
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('table', { name: 'Tenants, page 2' })).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('table', { name: 'Tenants, page 1' })).toBeVisible();
  });

  it('creates a tenant; 400 and 409 are answered on the form', async () => {
    seedTenants();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/tenants'));
    await user.click(await screen.findByRole('button', { name: 'New tenant' }));
    const form = screen.getByRole('form', { name: 'New tenant' });
    await user.type(within(form).getByLabelText('Tenant id'), 'Bad Id');
    await user.click(within(form).getByRole('button', { name: 'Create tenant' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Tenant id')).toHaveAttribute('aria-invalid', 'true'),
    );
    expect(within(form).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    await user.clear(within(form).getByLabelText('Tenant id'));
    await user.type(within(form).getByLabelText('Tenant id'), 'acme');
    await user.type(within(form).getByLabelText('Name'), 'Acme again');
    await user.click(within(form).getByRole('button', { name: 'Create tenant' }));
    expect(await within(form).findByRole('alert', { name: 'Conflict' })).toBeVisible();
    await user.clear(within(form).getByLabelText('Tenant id'));
    await user.type(within(form).getByLabelText('Tenant id'), 'newco');
    await user.selectOptions(within(form).getByLabelText('Vertical'), 'leisure');
    await user.click(within(form).getByRole('button', { name: 'Create tenant' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'New tenant' })).toBeNull());
    expect(mockDb().tenants.get('newco')).toMatchObject({ vertical: 'leisure', status: 'active' });
  });
});

describe('platform: one tenant', () => {
  it('changes the tier and suspends with If-Match, and sets branding', async () => {
    const db = seedTenants();
    const { user, container } = renderWithTenant(undefined, asPlatformAdmin('/platform/tenants/acme'));
    await screen.findByRole('heading', { name: 'Overview' });
    expect(await axe(container)).toHaveNoViolations();
    const tierForm = screen.getByRole('form', { name: 'Tier' });
    await user.selectOptions(within(tierForm).getByLabelText('Tier'), 'premium');
    await user.click(within(tierForm).getByRole('button', { name: 'Change tier' }));
    await waitFor(() => expect(db.tenants.get('acme')?.tier).toBe('premium'));
    await user.click(await screen.findByRole('button', { name: 'Suspend tenant' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Suspend' }));
    await waitFor(() => expect(db.tenants.get('acme')?.status).toBe('suspended'));
    expect(await screen.findByRole('button', { name: 'Reactivate tenant' })).toBeVisible();
    const brand = screen.getByRole('form', { name: 'Branding' });
    // No display-name override: the field is empty and says the tenant's name is shown instead.
    const tenantName = db.tenants.get('acme')?.name ?? '';
    expect(tenantName).not.toBe('');
    expect(within(brand).getByLabelText('Display name')).toHaveAttribute('placeholder', tenantName);
    expect(within(brand).getByLabelText('Display name')).toHaveAccessibleDescription(new RegExp(tenantName));
    await user.type(within(brand).getByLabelText('Primary colour'), 'red');
    await user.click(within(brand).getByRole('button', { name: 'Save branding' }));
    await waitFor(() =>
      expect(within(brand).getByLabelText('Primary colour')).toHaveAttribute('aria-invalid', 'true'),
    );
    expect(within(brand).getByLabelText('Primary colour')).toHaveAccessibleDescription(/must be #RRGGBB/);
    await user.clear(within(brand).getByLabelText('Primary colour'));
    await user.type(within(brand).getByLabelText('Primary colour'), '#112233');
    await user.click(within(brand).getByRole('button', { name: 'Save branding' }));
    await waitFor(() => expect(db.tenants.get('acme')?.branding).toEqual({ primaryColor: '#112233' }));
  });

  it('edits tenant-scope overrides in full mode (shadow rules included)', async () => {
    const db = seedTenants();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/tenants/acme'));
    await user.click(await screen.findByRole('button', { name: 'Add rule' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    await user.type(within(form).getByLabelText('Rule id'), 'tenant-rate');
    await user.type(within(form).getByLabelText('Limit (requests)'), '50');
    await user.selectOptions(within(form).getByLabelText('Mode'), 'shadow');
    await user.selectOptions(within(form).getByLabelText('Applies to'), 'write');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() =>
      expect(db.limits.get('acme')?.rules[0]).toMatchObject({
        id: 'tenant-rate',
        mode: 'shadow',
        scope: 'tenant',
        match: { limitClass: 'write' },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Edit tenant-rate' }));
    const edit = screen.getByRole('form', { name: 'Edit rule tenant-rate' });
    await user.selectOptions(within(edit).getByLabelText('Kind'), 'quota');
    await user.selectOptions(within(edit).getByLabelText('Window'), 'month');
    await user.click(within(edit).getByRole('button', { name: 'Save rule' }));
    await waitFor(() =>
      expect(db.limits.get('acme')?.rules[0]).toMatchObject({ kind: 'quota', window: 'month' }),
    );
  });

  it('grants an emergency bypass (reason required), shows time left and revokes it', async () => {
    const db = seedTenants();
    db.bypasses.set('acme', [makeBypass(Date.now(), { ttlSec: 3600, userId: 'bob' })]);
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/tenants/acme'));
    const active = await screen.findByRole('table', { name: 'Active bypasses' });
    expect(within(active).getByText('user bob')).toBeVisible();
    expect(within(active).getByText(/59 min|1 h/)).toBeVisible();
    const form = screen.getByRole('form', { name: 'New bypass' });
    await user.click(within(form).getByRole('button', { name: 'Grant bypass' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Reason')).toHaveAttribute('aria-invalid', 'true'),
    );
    await user.type(within(form).getByLabelText('Reason'), 'incident 42');
    await user.selectOptions(within(form).getByLabelText('Expires after'), '3600');
    await user.click(within(form).getByRole('button', { name: 'Grant bypass' }));
    await waitFor(() => expect(within(active).getByText('whole tenant')).toBeVisible());
    await user.click(within(active).getByRole('button', { name: 'Revoke bypass bp2' }));
    await waitFor(() => expect(within(active).queryByText('whole tenant')).toBeNull());
    expect(db.audit.map((e) => e.action)).toEqual(['bypass.create', 'bypass.delete']);
  });

  it('answers an unknown tenant with not found', async () => {
    renderWithTenant(undefined, asPlatformAdmin('/platform/tenants/nobody'));
    expect(await screen.findByRole('alert', { name: 'Not found' })).toBeVisible();
  });
});

describe('platform: tiers, audit, live usage', () => {
  it('edits a tier rule and its usage plan; a bad number lands on its field', async () => {
    const db = mockDb();
    const { user, container } = renderWithTenant(undefined, asPlatformAdmin('/platform/tiers'));
    const rules = await screen.findByRole('table', { name: 'Default rules of the standard tier' });
    expect(await axe(container)).toHaveNoViolations();
    await user.click(within(rules).getByRole('button', { name: 'Edit user-rate' }));
    const form = screen.getByRole('form', { name: 'Edit rule user-rate' });
    await user.clear(within(form).getByLabelText('Limit (requests)'));
    await user.type(within(form).getByLabelText('Limit (requests)'), '42');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() =>
      expect(db.tiers.get('standard')?.rules.find((r) => r.id === 'user-rate')?.limit).toBe(42),
    );
    const plan = await screen.findByRole('form', { name: 'Usage plan' });
    await user.clear(within(plan).getByLabelText('Burst (requests)'));
    await user.type(within(plan).getByLabelText('Burst (requests)'), '-1');
    await user.click(within(plan).getByRole('button', { name: 'Save usage plan' }));
    await waitFor(() =>
      expect(within(plan).getByLabelText('Burst (requests)')).toHaveAttribute('aria-invalid', 'true'),
    );
    await user.selectOptions(screen.getByLabelText('Tier'), 'free');
    expect(await screen.findByRole('table', { name: 'Default rules of the free tier' })).toBeVisible();
    await user.click(
      within(screen.getByRole('table', { name: /free tier/ })).getByRole('button', {
        name: 'Remove tenant-daily',
      }),
    );
    await waitFor(() => expect(db.tiers.get('free')?.rules.some((r) => r.id === 'tenant-daily')).toBe(false));
  });

  it('reads the audit log with tenant, time, actor and action filters, paged', async () => {
    const db = seedTenants();
    for (let i = 0; i < 30; i++) {
      db.audit.push(
        makeAuditEntry({
          pk: 'TENANT#acme',
          action: i % 2 ? 'limits.update' : 'bypass.create',
          actor: { userId: i % 3 ? 'ops' : 'admin', tenantId: 'x', roles: [] },
        }),
      );
    }
    db.audit.push(makeAuditEntry({ pk: 'PLATFORM', action: 'tier.update' }));
    const { user, container } = renderWithTenant(undefined, asPlatformAdmin('/admin/audit'));
    expect(await screen.findByText('tier.update')).toBeVisible();
    expect(await axe(container)).toHaveNoViolations();
    await user.type(screen.getByLabelText('Tenant id'), 'acme');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(screen.queryByText('tier.update')).toBeNull());
    const table = screen.getByRole('table', { name: 'Audit entries' });
    expect(within(table).getAllByRole('row')).toHaveLength(26);
    await user.type(screen.getByLabelText('Action'), 'limits');
    expect(within(table).getAllByRole('row').length).toBeLessThan(26);
    await user.type(screen.getByLabelText('Actor'), 'nobody');
    expect(within(table).getByText('No entries match.')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('Page 2')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    await user.type(screen.getByLabelText('Since (UTC)'), '2030-01-01T00:00');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('No entries match.')).toBeVisible();
  });

  it('a tenant-admin reads only its own tenant’s audit log', async () => {
    const db = mockDb();
    db.audit.push(makeAuditEntry({ pk: 'TENANT#acme', action: 'limits.update' }));
    db.audit.push(makeAuditEntry({ pk: 'TENANT#globex', action: 'bypass.create' }));
    renderWithTenant(undefined, asTenantAdmin('/admin/audit'));
    expect(await screen.findByText('limits.update')).toBeVisible();
    expect(screen.queryByText('bypass.create')).toBeNull();
    expect(screen.queryByLabelText('Tenant id')).toBeNull();
  });

  it('watches live usage of a tenant, pausable', async () => {
    const db = seedTenants();
    db.usage.set('acme', [makeUsage({ ruleId: 'tenant-rate', remaining: 5, capacity: 10 })]);
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/usage'));
    expect(await screen.findByText('Enter a tenant id to watch its usage.')).toBeVisible();
    await user.type(screen.getByLabelText('Tenant id'), 'acme');
    await user.click(screen.getByRole('button', { name: 'Watch' }));
    expect(await screen.findByText('5 of 10')).toBeVisible();
    expect(screen.getByText(/Refreshing every 5 s/)).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Pause refresh' }));
    expect(screen.getByRole('button', { name: 'Resume refresh' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText(/Paused/)).toBeVisible();
  });
});
