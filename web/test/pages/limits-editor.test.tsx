import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeRule, makeUsage } from '../factories';
import { asTenantAdmin, axe, renderWithTenant } from '../render';
import { mockDb } from '../setup';

describe('user limits (tenant-admin)', () => {
  it('adds a per-user limit with If-Match, and the effective policy shows it', async () => {
    const { user, container } = renderWithTenant(undefined, asTenantAdmin('/admin/users'));
    await user.click(await screen.findByRole('button', { name: 'Add user limit' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    await user.type(within(form).getByLabelText('Rule id'), 'bob-slow');
    await user.type(within(form).getByLabelText('User id'), 'bob');
    await user.type(within(form).getByLabelText('Limit (requests)'), '5');
    expect(await axe(container)).toHaveNoViolations();
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    const table = await screen.findByRole('table', { name: 'Per-user limits of your tenant' });
    expect(within(table).getByText('5 per 60 s, user bob')).toBeVisible();
    expect(mockDb().limits.get('acme')).toMatchObject({
      version: 1,
      rules: [{ id: 'bob-slow', subject: 'bob' }],
    });
    const effective = screen.getByRole('table', { name: /Effective policy/ });
    expect(within(effective).getByText('bob-slow')).toBeVisible();
  });

  it('places a 403 rule violation (above the tenant’s own limit) on the limit field', async () => {
    const { user } = renderWithTenant(undefined, asTenantAdmin('/admin/users'));
    await user.click(await screen.findByRole('button', { name: 'Add user limit' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    await user.type(within(form).getByLabelText('Rule id'), 'bob-fast');
    await user.type(within(form).getByLabelText('User id'), 'bob');
    await user.type(within(form).getByLabelText('Limit (requests)'), '100000');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    const limit = within(form).getByLabelText('Limit (requests)');
    await waitFor(() => expect(limit).toHaveAttribute('aria-invalid', 'true'));
    expect(limit).toHaveAccessibleDescription(/exceeds the tenant's rule/);
    expect(mockDb().limits.get('acme')).toBeUndefined();
  });

  it('places a 400 on the field the API names (period)', async () => {
    const { user } = renderWithTenant(undefined, asTenantAdmin('/admin/users'));
    await user.click(await screen.findByRole('button', { name: 'Add user limit' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    await user.type(within(form).getByLabelText('Rule id'), 'bob-x');
    await user.type(within(form).getByLabelText('User id'), 'bob');
    await user.type(within(form).getByLabelText('Limit (requests)'), '5');
    await user.clear(within(form).getByLabelText('Period (seconds)'));
    await user.type(within(form).getByLabelText('Period (seconds)'), '0');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Period (seconds)')).toHaveAttribute('aria-invalid', 'true'),
    );
    expect(within(form).getByLabelText('Limit (requests)')).not.toHaveAttribute('aria-invalid');
  });

  it('on 412 shows what someone else changed and re-applies the change on top', async () => {
    const db = mockDb();
    db.limits.set('acme', {
      rules: [makeRule({ id: 'alice-slow', subject: 'alice', limit: 3 })],
      version: 4,
    });
    const { user } = renderWithTenant(undefined, asTenantAdmin('/admin/users'));
    await user.click(await screen.findByRole('button', { name: 'Edit alice-slow' }));
    // Meanwhile another admin saves.
    db.limits.set('acme', {
      rules: [
        makeRule({ id: 'alice-slow', subject: 'alice', limit: 2 }),
        makeRule({ id: 'carol-slow', subject: 'carol', limit: 1 }),
      ],
      version: 5,
    });
    const form = screen.getByRole('form', { name: 'Edit rule alice-slow' });
    const limit = within(form).getByLabelText('Limit (requests)');
    await user.clear(limit);
    await user.type(limit, '4');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    const conflict = await screen.findByRole('alert', {
      name: 'These limits changed while you were editing',
    });
    expect(within(conflict).getByText(/Added/)).toHaveTextContent('carol-slow');
    expect(within(conflict).getByText(/Changed/)).toHaveTextContent(
      '3 per 60 s, user alice → 2 per 60 s, user alice',
    );
    await user.click(within(conflict).getByRole('button', { name: 'Re-apply my change' }));
    await waitFor(() => expect(screen.queryByRole('alert', { name: /changed while/ })).toBeNull());
    expect(db.limits.get('acme')?.version).toBe(6);
    expect(db.limits.get('acme')?.rules.map((r) => [r.id, r.limit])).toEqual([
      ['alice-slow', 4],
      ['carol-slow', 1],
    ]);
  });

  it('removes a rule after confirming; a discarded conflict changes nothing', async () => {
    const db = mockDb();
    db.limits.set('acme', {
      rules: [makeRule({ id: 'alice-slow', subject: 'alice', limit: 3 })],
      version: 1,
    });
    const { user } = renderWithTenant(undefined, asTenantAdmin('/admin/users'));
    await user.click(await screen.findByRole('button', { name: 'Remove alice-slow' }));
    db.limits.set('acme', {
      rules: [makeRule({ id: 'alice-slow', subject: 'alice', limit: 9 })],
      version: 2,
    });
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    const conflict = await screen.findByRole('alert', { name: /changed while/ });
    await user.click(within(conflict).getByRole('button', { name: 'Discard my change' }));
    expect(db.limits.get('acme')?.rules).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Remove alice-slow' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(db.limits.get('acme')?.rules).toHaveLength(0));
  });

  it('a tenant-admin cannot open another tenant’s pages, and sees the flag-off note', async () => {
    mockDb().tenantSpecificLimits = false;
    renderWithTenant(undefined, asTenantAdmin('/admin/users'));
    expect(await screen.findByText(/flag is off/)).toBeVisible();
  });
});

describe('tenant usage (tenant-admin)', () => {
  it('shows usage per rule, and per user on request', async () => {
    const db = mockDb();
    db.usage.set('acme', [makeUsage({ ruleId: 'tenant-rate', remaining: 90, capacity: 100 })]);
    db.usage.set('acme/bob', [
      makeUsage({ ruleId: 'user-rate', scope: 'user', remaining: 1, capacity: 30, userId: 'bob' }),
    ]);
    const { user, container } = renderWithTenant(undefined, asTenantAdmin('/admin/usage'));
    const t = await screen.findByRole('table', { name: 'Usage of acme (tenant rules)' });
    expect(within(t).getByText('90 of 100')).toBeVisible();
    expect(await axe(container)).toHaveNoViolations();
    await user.type(screen.getByLabelText('User id (optional)'), 'bob');
    await user.click(screen.getByRole('button', { name: 'Show usage' }));
    const u = await screen.findByRole('table', { name: 'Usage of bob in acme' });
    expect(within(u).getByText('1 of 30')).toBeVisible();
  });
});
