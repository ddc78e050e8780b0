import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeReport } from '../factories';
import { axe, renderWithTenant } from '../render';
import { mockDb, server } from '../setup';

describe('reports', () => {
  it('lists the tenant’s reports newest first, pages with the cursor, and has no axe violations', async () => {
    const db = mockDb();
    for (let i = 1; i <= 12; i++) {
      db.reports.push(
        makeReport({ reportId: `01JR${String(i).padStart(22, '0')}`, title: `Report ${i}`, tags: ['q1'] }),
      );
    }
    db.reports.push(makeReport({ tenantId: 'globex', title: 'Not mine' }));
    const { user, container } = renderWithTenant(undefined, { route: '/reports' });
    const table = await screen.findByRole('table', { name: 'Reports, page 1' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(11);
    expect(within(rows[1] as HTMLElement).getByRole('link', { name: 'Report 12' })).toBeVisible();
    expect(screen.queryByText('Not mine')).toBeNull();
    expect(await axe(container)).toHaveNoViolations();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    const page2 = await screen.findByRole('table', { name: 'Reports, page 2' });
    expect(within(page2).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('table', { name: 'Reports, page 1' })).toBeVisible();
  });

  it('says so when there are no reports', async () => {
    renderWithTenant(undefined, { route: '/reports' });
    expect(await screen.findByText('No reports yet. Create the first one.')).toBeVisible();
  });

  it('creates a report, and places the API’s 400 message on the field it names', async () => {
    const { user, container } = renderWithTenant(undefined, { route: '/reports/new' });
    await user.click(await screen.findByRole('button', { name: 'Create report' }));
    const title = await screen.findByLabelText('Title');
    await waitFor(() => expect(title).toHaveAttribute('aria-invalid', 'true'));
    expect(title).toHaveAccessibleDescription('title must not be empty');
    expect(await axe(container)).toHaveNoViolations();
    await user.type(title, 'Q1 footfall');
    await user.type(screen.getByLabelText('Body'), 'Up 4 %.');
    await user.type(screen.getByLabelText('Tags'), 'q1, stores');
    await user.click(screen.getByRole('button', { name: 'Create report' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Q1 footfall' })).toBeVisible();
    expect(screen.getByText('Up 4 %.')).toBeVisible();
    expect(mockDb().reports[0]).toMatchObject({
      title: 'Q1 footfall',
      tags: ['q1', 'stores'],
      createdBy: 'alice',
    });
  });

  it('lets a tenant-admin delete after confirming (focus in the dialog, Escape cancels)', async () => {
    const r = makeReport({ title: 'Old report' });
    mockDb().reports.push(r);
    const { user } = renderWithTenant(undefined, {
      route: `/reports/${r.reportId}`,
      roles: ['tenant-admin'],
    });
    await user.click(await screen.findByRole('button', { name: 'Delete report' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this report?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.tab();
    await user.tab();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Delete report' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
    expect(mockDb().reports).toHaveLength(0);
  });

  it('after a delete, never asks the API for the deleted report again (no 404 refetch)', async () => {
    const r = makeReport({ title: 'Gone soon' });
    mockDb().reports.push(r);
    const seen: string[] = [];
    const record = ({ request, response }: { request: Request; response: Response }) => {
      seen.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
    };
    server.events.on('response:mocked', record);
    try {
      const { user } = renderWithTenant(undefined, {
        route: `/reports/${r.reportId}`,
        roles: ['tenant-admin'],
      });
      await user.click(await screen.findByRole('button', { name: 'Delete report' }));
      await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
      expect(await screen.findByText('No reports yet. Create the first one.')).toBeVisible();
      await waitFor(() => expect(seen).toContain('GET /v1/reports 200'));
      const one = `/v1/reports/${r.reportId}`;
      const afterDelete = seen.slice(seen.indexOf(`DELETE ${one} 204`) + 1);
      expect(seen).toContain(`DELETE ${one} 204`);
      expect(afterDelete.filter((c) => c.includes(one))).toEqual([]);
      expect(seen.filter((c) => / 404$/.test(c))).toEqual([]);
    } finally {
      server.events.removeListener('response:mocked', record);
    }
  });

  it('does not offer delete to a plain user, and answers an unknown id with not found', async () => {
    const r = makeReport();
    mockDb().reports.push(r);
    const { unmount } = renderWithTenant(undefined, { route: `/reports/${r.reportId}` });
    expect(await screen.findByRole('heading', { level: 1, name: r.title })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Delete report' })).toBeNull();
    unmount();
    renderWithTenant(undefined, { route: '/reports/01JNOTHERE0000000000000000' });
    expect(await screen.findByRole('heading', { name: 'Not found' })).toBeVisible();
  });

  it('shows a failed delete’s answer (403 from the API)', async () => {
    const r = makeReport();
    const db = mockDb();
    db.reports.push(r);
    db.failNext.push({
      method: 'DELETE',
      path: `/v1/reports/${r.reportId}`,
      status: 403,
      body: { title: 'Forbidden', detail: 'Requires one of: tenant-admin, platform-admin.' },
    });
    const { user } = renderWithTenant(undefined, {
      route: `/reports/${r.reportId}`,
      roles: ['tenant-admin'],
    });
    await user.click(await screen.findByRole('button', { name: 'Delete report' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('heading', { name: 'Not allowed' })).toBeVisible();
    expect(screen.getByText('Requires one of: tenant-admin, platform-admin.')).toBeVisible();
  });
});
