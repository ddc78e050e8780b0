import { screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { ExperimentAssignments } from '../../../lib/config/experiments';
import type { ClientEventBody } from '../../src/analytics/product-events';
import { TEST_API_URL } from '../mock-api/handlers';
import { axe, renderWithTenant } from '../render';
import { mockDb, server } from '../setup';

/** Records the events the console posts to `POST /v1/events` (202). */
function collector() {
  const events: ClientEventBody[] = [];
  server.use(
    http.post(`${TEST_API_URL}/v1/events`, async ({ request }) => {
      events.push(...((await request.json()) as { events: ClientEventBody[] }).events);
      return HttpResponse.json({ accepted: 1, duplicates: 0, dropped: 0 }, { status: 202 });
    }),
  );
  return events;
}

/** The home page as alice of acme, with `experiments` as `GET /v1/me` answers them. */
async function home(experiments?: ExperimentAssignments) {
  localStorage.clear();
  if (experiments) mockDb().experiments.set('acme/alice', experiments);
  const events = collector();
  const r = renderWithTenant();
  expect(await screen.findByRole('heading', { level: 1, name: 'Welcome to Acme Retail' })).toBeVisible();
  /** Sends what is queued (as on leaving the page) and waits for the page view of `/` to arrive. */
  const flushed = async () => {
    window.dispatchEvent(new Event('pagehide'));
    await expect.poll(() => events.some((e) => e.name === 'page_view')).toBe(true);
    return events;
  };
  return { ...r, events, flushed };
}

const exposures = (events: ClientEventBody[]) => events.filter((e) => e.name === 'experiment_exposure');
const cta = () => screen.queryByRole('region', { name: 'Share what you see in the market' });

describe('experiment report_cta on the home page', () => {
  it('prominent: a "New report" call to action that opens the New report form; exposure sent once', async () => {
    const { container, user, flushed } = await home({ report_cta: 'prominent' });
    const region = cta();
    expect(region).toBeVisible();
    const link = within(region!).getByRole('link', { name: 'New report' });
    expect(link).toHaveAttribute('href', '/reports/new');
    expect(link).toHaveClass('button');
    expect(await axe(container)).toHaveNoViolations();
    await user.click(link);
    expect(await screen.findByRole('heading', { level: 1, name: 'New report' })).toBeVisible();
    expect(screen.getByLabelText('Title')).toBeVisible();
    // Back home: the variant shows again, the exposure is not sent again.
    await user.click(within(screen.getByRole('navigation')).getByRole('link', { name: 'Home' }));
    expect(await screen.findByRole('region', { name: 'Share what you see in the market' })).toBeVisible();
    const sent = await flushed();
    expect(exposures(sent).map((e) => e.props)).toEqual([{ experiment: 'report_cta' }]);
  });

  it('control: the page as without the experiment, and its exposure sent once (controls are counted too)', async () => {
    const control = await home({ report_cta: 'control' });
    expect(cta()).toBeNull();
    expect(screen.queryByRole('link', { name: 'New report' })).toBeNull();
    const controlHtml = control.container.querySelector('main')?.innerHTML;
    expect(exposures(await control.flushed()).map((e) => e.props)).toEqual([{ experiment: 'report_cta' }]);
    control.unmount();

    const none = await home();
    expect(none.container.querySelector('main')?.innerHTML).toBe(controlHtml);
  });

  it('no assignment (analytics off for the caller): the control page and no exposure', async () => {
    const { flushed } = await home();
    expect(cta()).toBeNull();
    const sent = await flushed();
    expect(sent.map((e) => e.name)).toContain('page_view');
    expect(exposures(sent)).toEqual([]);
  });
});
