import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_OPERATIONS_PATH } from '../../../lib/config/console';
import { OPERATIONS_REFRESH_MS } from '../../src/pages/platform/OperationsPage';
import { sampleOperations } from '../mock-api/operations';
import { asPlatformAdmin, asTenantAdmin, axe, renderWithTenant } from '../render';
import { mockDb } from '../setup';

afterEach(() => {
  vi.useRealTimers();
});

describe('platform: operations', () => {
  it('shows per-route p50/p99, requests, 429s and 5xx, the same per tenant and user type, limiter decisions, charts and alarms', async () => {
    const { container } = renderWithTenant(undefined, asPlatformAdmin('/platform/operations'));
    const routes = await screen.findByRole('table', { name: 'Per route' });
    const market = within(routes).getByRole('row', { name: /GET \/v1\/market/ });
    const cells = within(market)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    // 30 market requests in 15 minutes; 4 of them (minutes 10-11) answered 502; globex's 429s are on POST /v1/reports
    expect(cells[0]).toBe('30');
    expect(cells[4]).toBe('4');
    expect(cells[2]).toMatch(/ms$/);
    const post = within(routes).getByRole('row', { name: /POST \/v1\/reports/ });
    expect(within(post).getAllByRole('cell')[3]?.textContent).toBe('6');
    const tenants = screen.getByRole('table', { name: /Busiest tenants/ });
    expect(
      within(tenants)
        .getAllByRole('row')
        .map((r) => r.querySelector('th')?.textContent),
    ).toEqual(['Tenant', 'acme', 'globex', '(none)']);
    const types = screen.getByRole('table', { name: 'Per user type' });
    for (const t of ['user', 'admin', 'service', '(none)'])
      expect(within(types).getByRole('rowheader', { name: t })).toBeVisible();
    const limiter = screen.getByRole('table', { name: 'Limiter decisions' });
    const premium = within(limiter).getByRole('row', { name: /premium/ });
    expect(
      within(premium)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['48', '12', '0']); // globex's storm
    expect(within(limiter).getByRole('rowheader', { name: 'All tiers' })).toBeVisible();
    for (const chart of [
      'Requests',
      '429 and 5xx answers',
      'Latency',
      'Limiter denials and degraded decisions',
    ])
      expect(screen.getByRole('img', { name: chart })).toBeVisible();
    expect(screen.getByText(/Api5xxRate/).closest('li')).toHaveTextContent(
      'docs/runbooks.md#api-5xx-rate-high',
    );
    expect(await axe(container)).toHaveNoViolations();
  });

  it('refreshes every few seconds until paused', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const db = mockDb();
    db.operations = sampleOperations(db.now(), []);
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/operations'));
    expect(await screen.findByText(/No alarm is in ALARM \(0 evaluated\)/)).toBeVisible();
    db.operations = sampleOperations(db.now()); // an alarm fires
    await act(() => vi.advanceTimersByTimeAsync(OPERATIONS_REFRESH_MS));
    expect(await screen.findByText(/Api5xxRate/)).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Pause refresh' }));
    expect(screen.getByText(/Paused/)).toBeVisible();
    db.operations = sampleOperations(db.now(), []);
    await act(() => vi.advanceTimersByTimeAsync(OPERATIONS_REFRESH_MS * 2));
    expect(screen.getByText(/Api5xxRate/)).toBeVisible(); // paused: not refetched
  });

  it('asks for the chosen window', async () => {
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/operations'));
    expect(await screen.findByText(/in the last 15 minutes/)).toBeVisible();
    await user.selectOptions(screen.getByLabelText('Window'), '60');
    expect(await screen.findByText(/in the last 60 minutes/)).toBeVisible();
  });

  it('an error of the summary is shown with a retry', async () => {
    const fail = { method: 'GET', path: LOCAL_OPERATIONS_PATH, status: 503, body: { title: 'Unavailable' } };
    mockDb().failNext.push(fail, { ...fail }); // the data client retries a 5xx once
    const { user } = renderWithTenant(undefined, asPlatformAdmin('/platform/operations'));
    const retry = await screen.findByRole('button', { name: /Retry|Try again/ });
    await user.click(retry);
    expect(await screen.findByRole('table', { name: 'Per route' })).toBeVisible();
  });

  it('on a stage without an operations summary it says where the views are, and asks for nothing', async () => {
    renderWithTenant(undefined, asPlatformAdmin('/platform/operations', { operationsPath: null }));
    expect(await screen.findByText(/CloudWatch dashboard/)).toBeVisible();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('is for platform admins only', async () => {
    renderWithTenant(undefined, asTenantAdmin('/platform/operations'));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Operations' })).toBeNull());
    expect(await screen.findByRole('heading', { level: 1 })).not.toHaveTextContent('Operations');
  });
});
