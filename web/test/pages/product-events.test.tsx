import { screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { ClientEventBody } from '../../src/analytics/product-events';
import { TEST_API_URL } from '../mock-api/handlers';
import { renderWithTenant } from '../render';
import { mockDb, server } from '../setup';

/** Records the bodies of `POST /v1/events` and answers `status`. */
function collector(status = 202) {
  const bodies: string[] = [];
  server.use(
    http.post(`${TEST_API_URL}/v1/events`, async ({ request }) => {
      bodies.push(await request.text());
      return status === 429
        ? HttpResponse.json(
            { title: 'Too Many Requests', violated: ['user-rate'] },
            { status: 429, headers: { 'retry-after': '30' } },
          )
        : HttpResponse.json({}, { status });
    }),
  );
  const events = () => bodies.flatMap((b) => (JSON.parse(b) as { events: ClientEventBody[] }).events);
  return { bodies, events };
}

describe('the console’s product events', () => {
  it('sends first_login, a page_view per navigation with the route template (no id leaks) and feature_used on create', async () => {
    localStorage.clear();
    const sent = collector();
    const { user } = renderWithTenant(undefined, { route: '/reports/new' });
    await user.type(await screen.findByLabelText('Title'), 'Q1 footfall');
    await user.type(screen.getByLabelText('Body'), 'Up 4 %.');
    await user.click(screen.getByRole('button', { name: 'Create report' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Q1 footfall' })).toBeVisible();
    const reportId = mockDb().reports[0]!.reportId;
    window.dispatchEvent(new Event('pagehide'));
    await expect.poll(() => sent.events().length).toBe(4);
    expect(sent.events().map((e) => [e.name, e.props])).toEqual([
      ['first_login', {}],
      ['page_view', { page: '/reports/new' }],
      ['feature_used', { feature: 'report.create' }],
      ['page_view', { page: '/reports/{reportId}' }],
    ]);
    expect(sent.bodies.join('')).not.toContain(reportId);
    expect(sent.bodies.join('')).not.toContain('alice'); // the user comes from the token, never the body
  });

  it('a 429 on /v1/events shows the user nothing (the limit banner is for their own actions)', async () => {
    const sent = collector(429);
    renderWithTenant(undefined, { route: '/limits' });
    expect(await screen.findByRole('rowheader', { name: 'user-rate' })).toBeVisible();
    window.dispatchEvent(new Event('pagehide'));
    await expect.poll(() => sent.bodies.length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText(/Rate limit reached/)).toBeNull();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('My limits and usage');
  });
});
