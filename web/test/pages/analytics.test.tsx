import { screen, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { activeUsers, adoption, funnel, retention } from '../../src/pages/admin/analytics-view';
import { makeTenant } from '../factories';
import { TEST_API_URL } from '../mock-api/handlers';
import { asPlatformAdmin, asTenantAdmin, axe, renderWithTenant } from '../render';
import { mockDb, server } from '../setup';

const seg = (tenant_id: string, vertical: string) => ({ tenant_id, vertical });

function seedTenants() {
  const db = mockDb();
  db.tenants.set(
    'globex',
    makeTenant({ tenantId: 'globex', name: 'Globex Hotels', vertical: 'hospitality' }),
  );
  db.tenants.set('initech', makeTenant({ tenantId: 'initech', name: 'Initech', vertical: 'retail' }));
  db.analytics = {
    active_users: [
      { ...seg('acme', 'retail'), active_days: 10, dau: 4, wau: 9, mau: 16, stickiness: 0.25 },
      { ...seg('initech', 'retail'), active_days: 10, dau: 2, wau: 3, mau: 4, stickiness: 0.5 },
      { ...seg('globex', 'hospitality'), active_days: 10, dau: 7, wau: 20, mau: 35, stickiness: 0.2 },
    ],
    feature_adoption: [
      {
        ...seg('acme', 'retail'),
        feature: 'report_export',
        users: 8,
        uses: 30,
        active_users: 16,
        adoption: 0.5,
      },
      {
        ...seg('globex', 'hospitality'),
        feature: 'usage_view',
        users: 7,
        uses: 7,
        active_users: 35,
        adoption: 0.2,
      },
    ],
    funnel: [
      {
        ...seg('acme', 'retail'),
        step_1_page_view: 16,
        step_2_report_created: 8,
        step_3_report_viewed: 4,
        step_4_report_created: 2,
        conversion_2: 0.5,
        conversion_3: 0.25,
        conversion_4: 0.125,
      },
      {
        ...seg('globex', 'hospitality'),
        step_1_page_view: 35,
        step_2_report_created: 1,
        step_3_report_viewed: 1,
        step_4_report_created: 0,
        conversion_2: 1 / 35,
        conversion_3: 1 / 35,
        conversion_4: 0,
      },
    ],
    retention: [
      {
        ...seg('acme', 'retail'),
        cohort_week: '2026-11-16',
        week_offset: 0,
        users: 10,
        cohort_users: 10,
        retention: 1,
      },
      {
        ...seg('acme', 'retail'),
        cohort_week: '2026-11-16',
        week_offset: 1,
        users: 4,
        cohort_users: 10,
        retention: 0.4,
      },
      {
        ...seg('acme', 'retail'),
        cohort_week: '2026-11-23',
        week_offset: 0,
        users: 5,
        cohort_users: 5,
        retention: 1,
      },
      {
        ...seg('globex', 'hospitality'),
        cohort_week: '2026-11-16',
        week_offset: 0,
        users: 3,
        cohort_users: 3,
        retention: 1,
      },
    ],
    ab_results: [],
    events_per_day: [],
  };
  return db;
}

/** Query strings of the analytics requests the page made. */
function recordQueries(): URLSearchParams[] {
  const seen: URLSearchParams[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/admin/analytics/')) seen.push(url.searchParams);
  });
  return seen;
}

describe('analytics: computed views', () => {
  it('sums segments and recomputes shares', () => {
    const db = seedTenants();
    const rows = db.analytics!;
    expect(activeUsers(rows.active_users, 'vertical')).toEqual([
      { segment: 'hospitality', dau: 7, wau: 20, mau: 35, stickiness: 0.2 },
      { segment: 'retail', dau: 6, wau: 12, mau: 20, stickiness: 0.3 },
    ]);
    // 8 + 7 feature users over 16 + 35 active users of the two segments.
    expect(adoption(rows.feature_adoption).map((a) => [a.feature, a.adoption])).toEqual([
      ['report_export', 8 / 51],
      ['usage_view', 7 / 51],
    ]);
    expect(funnel(rows.funnel).map((s) => [s.users, s.conversion])).toEqual([
      [51, 1],
      [9, 9 / 51],
      [5, 5 / 51],
      [2, 2 / 51],
    ]);
    expect(retention(rows.retention)).toEqual({
      offsets: [0, 1],
      cohorts: [
        { week: '2026-11-16', size: 13, retained: [1, 4 / 13] },
        { week: '2026-11-23', size: 5, retained: [1, null] },
      ],
    });
    expect(funnel([]).every((s) => s.users === 0 && s.conversion === 0)).toBe(true);
  });
});

describe('analytics page', () => {
  it('a tenant admin sees its own tenant only: active users, adoption, funnel and retention, with charts', async () => {
    seedTenants();
    const queries = recordQueries();
    const { container } = renderWithTenant(undefined, asTenantAdmin('/admin/analytics'));
    const active = await screen.findByRole('table', { name: /Average distinct users/ });
    const rows = within(active).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['acme']);
    expect(
      within(rows[0] as HTMLElement)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['4', '9', '16', '25 %']);
    expect(screen.getByRole('img', { name: 'DAU, WAU and MAU by tenant' })).toBeVisible();
    expect(
      await screen.findByRole('img', { name: 'Share of active users using each feature' }),
    ).toBeVisible();
    const features = screen.getByRole('table', { name: 'Feature adoption' });
    expect(within(features).getByRole('rowheader', { name: 'report_export' })).toBeVisible();
    expect(within(features).queryByRole('rowheader', { name: 'usage_view' })).toBeNull();
    expect(await screen.findByText('Created a report: 8 users (50 % of the first step)')).toBeVisible();
    const cohorts = await screen.findByRole('table', { name: /weekly cohort/ });
    const first = within(cohorts).getByRole('row', { name: /2026-11-16/ });
    expect(
      within(first)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['10', '100 %', '40 %']);
    expect(queries.length).toBe(4);
    for (const q of queries) expect(q.get('tenantId')).toBeNull();
    expect(screen.queryByLabelText('Tenant id')).toBeNull();
    expect(await axe(container)).toHaveNoViolations();
  });

  it('a platform admin sees every tenant by vertical, and narrows to one vertical', async () => {
    seedTenants();
    const queries = recordQueries();
    const { user, container } = renderWithTenant(undefined, asPlatformAdmin('/admin/analytics'));
    const active = await screen.findByRole('table', { name: /by vertical/ });
    expect(
      within(active)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['hospitality', 'retail']);
    expect(within(active).getByRole('row', { name: /retail/ })).toHaveTextContent('6122030 %');
    expect(await axe(container)).toHaveNoViolations();
    await user.selectOptions(screen.getByLabelText('Vertical'), 'retail');
    await user.type(screen.getByLabelText('From'), '2026-11-01');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('Created another report: 2 users (13 % of the first step)');
    const narrowed = await screen.findByRole('table', { name: /by vertical/ });
    expect(
      within(narrowed)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['retail']);
    const last = queries[queries.length - 1];
    expect(last?.get('vertical')).toBe('retail');
    expect(last?.get('from')).toBe('2026-11-01');
  });

  it('a platform admin picks one tenant: rows by tenant', async () => {
    seedTenants();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/admin/analytics'));
    await screen.findByRole('table', { name: /by vertical/ });
    await user.type(screen.getByLabelText('Tenant id'), 'globex');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const active = await screen.findByRole('table', { name: /by tenant/ });
    expect(
      within(active)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['globex']);
  });

  it('answers a failed query in its section with a retry', async () => {
    seedTenants();
    // Twice: server errors are retried once before the answer is shown.
    const unavailable = {
      method: 'GET',
      path: '/admin/analytics/funnel',
      status: 503,
      body: { title: 'Service Unavailable', detail: 'The analytics engine is unavailable; retry shortly.' },
    };
    mockDb().failNext.push(unavailable, unavailable);
    const { user } = renderWithTenant(undefined, asTenantAdmin('/admin/analytics'));
    const section = (await screen.findByRole('heading', { name: 'Report funnel' })).closest(
      'section',
    ) as HTMLElement;
    const alert = await within(section).findByRole('alert');
    expect(alert).toHaveTextContent('The analytics engine is unavailable; retry shortly.');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await within(section).findByText(/Viewed a page: 16 users/)).toBeVisible();
    expect(screen.getByRole('table', { name: /Average distinct users/ })).toBeVisible();
  });

  it('a range the server refuses (400) is answered once, by the form: the field and the reason, no retry', async () => {
    seedTenants();
    const queries = recordQueries();
    const { user, container } = renderWithTenant(undefined, asTenantAdmin('/admin/analytics'));
    await screen.findByRole('table', { name: /Average distinct users/ });
    // 700 days: only the server knows its maximum (400 days), so the request is sent and refused.
    await user.type(screen.getByLabelText('From'), '2025-01-01');
    await user.type(screen.getByLabelText('To'), '2026-12-01');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAccessibleName('Filters not applied');
    expect(alert).toHaveTextContent('From: range must be at most 400 days');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.queryByText('Request rejected')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    const from = screen.getByLabelText('From');
    expect(from).toHaveAttribute('aria-invalid', 'true');
    expect(from).toHaveAccessibleDescription('range must be at most 400 days');
    expect(screen.getByLabelText('To')).not.toHaveAttribute('aria-invalid');
    expect(queries.some((q) => q.get('from') === '2025-01-01')).toBe(true);
    expect(await axe(container)).toHaveNoViolations();
  });

  it('a reversed range and a malformed tenant id are refused before sending, naming the field', async () => {
    seedTenants();
    const queries = recordQueries();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/admin/analytics'));
    await screen.findByRole('table', { name: /by vertical/ });
    const sent = queries.length;
    await user.type(screen.getByLabelText('From'), '2026-12-01');
    await user.type(screen.getByLabelText('To'), '2026-11-01');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('From: must not be after to');
    const from = screen.getByLabelText('From');
    expect(from).toHaveAccessibleDescription('must not be after to');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    // Summary and field are one pattern, not a duplicate: the summary's entry links to the field and moves focus
    // there; the summary is the only live region (the field's message is read with the field, not announced).
    const link = within(summary).getByRole('link', { name: 'From: must not be after to' });
    expect(link).toHaveAttribute('href', `#${from.id}`);
    await user.click(link);
    expect(from).toHaveFocus();
    const fieldMessage = screen.getAllByText('must not be after to').find((el) => !summary.contains(el));
    expect(fieldMessage?.closest('[role="alert"], [role="status"], [aria-live]')).toBeNull();

    await user.clear(screen.getByLabelText('From'));
    await user.type(screen.getByLabelText('Tenant id'), 'No Such!');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Tenant id: must be a tenant id');
    expect(screen.getByRole('link', { name: 'Tenant id: must be a tenant id' })).toHaveAttribute(
      'href',
      `#${screen.getByLabelText('Tenant id').id}`,
    );
    expect(screen.getByLabelText('Tenant id')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Tenant id')).toHaveAccessibleDescription(
      'Empty = every tenant. must be a tenant id',
    );
    expect(screen.getByLabelText('From')).not.toHaveAttribute('aria-invalid');
    expect(queries.length).toBe(sent);

    await user.clear(screen.getByLabelText('Tenant id'));
    await user.type(screen.getByLabelText('Tenant id'), 'globex');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByRole('table', { name: /by tenant/ })).toBeVisible();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('the funnel says "1 user", not "1 users", and the chart leaves room for its longest step label', async () => {
    seedTenants();
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/admin/analytics'));
    await screen.findByRole('table', { name: /by vertical/ });
    await user.selectOptions(screen.getByLabelText('Vertical'), 'hospitality');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('Created a report: 1 user (3 % of the first step)')).toBeVisible();
    expect(screen.getByText('Created another report: 0 users (0 % of the first step)')).toBeVisible();
    const chart = screen.getByRole('img', { name: /Users reaching each step/ });
    const label = within(chart).getByText('Created another report');
    // The label is right-aligned at x, so it starts at x minus its width: at least 5 SVG units per character at
    // 9px (the tryout's clipped "eated another report" was 22 characters in 92 units).
    expect(Number(label.getAttribute('x'))).toBeGreaterThanOrEqual('Created another report'.length * 5);
  });

  it('a response that does not match the API schema is an error, not a chart', async () => {
    seedTenants();
    server.use(
      http.get(`${TEST_API_URL}/admin/analytics/active_users`, () =>
        Response.json({ query: 'active_users', rows: [{ tenant_id: 'acme' }] }),
      ),
    );
    renderWithTenant(undefined, asTenantAdmin('/admin/analytics'));
    const section = (await screen.findByRole('heading', { name: 'Active users' })).closest(
      'section',
    ) as HTMLElement;
    expect(await within(section).findByRole('alert')).toHaveTextContent('Something went wrong');
  });

  it('is for admins only', async () => {
    renderWithTenant(undefined, { route: '/admin/analytics' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
  });
});
