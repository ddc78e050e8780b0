import { LOCAL_RUM_PATH, RUM_FLAG } from '../../lib/config/console';
import type { PutRumEvents } from '../../lib/config/rum';
import { RUM_EVENT_TYPES } from '../../lib/config/rum';
import { consolePath, signIn } from '../support/console';
import { baseUrl } from '../support/env';
import { expect, step, test } from '../support/fixtures';

/**
 * Real-user monitoring end to end: with `apm_monitoring_enabled` on, the console (a real browser) sends Web Vitals,
 * the page load and its API timings in `PutRumEvents` batches to the app monitor of its `config.json` — here the
 * local stack's collector, which validates and keeps them.
 */
test('with apm_monitoring_enabled on, the console sends LCP, CLS, the page load and API timings to the RUM collector', async ({
  page,
  request,
  provisionTenant,
}) => {
  const base = baseUrl();
  const flags = (await (await request.get(`${base}/_local/flags`)).json()) as Record<string, boolean>;
  await request.put(`${base}/_local/flags`, { data: { [RUM_FLAG]: true } });
  try {
    const t = await provisionTenant({ vertical: 'retail' });
    const config = (await (await request.get(`${base}${consolePath('config.json')}`)).json()) as {
      rum?: { endpoint: string; appMonitorId: string };
    };
    expect(config.rum?.endpoint).toBe(`${base}${LOCAL_RUM_PATH}`);

    const batches: PutRumEvents[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().startsWith(`${config.rum?.endpoint}/appmonitors/`))
        batches.push(JSON.parse(req.postData() ?? '{}') as PutRumEvents);
    });
    await step('sign in and use the console (the sender flushes every 5 s)', async () => {
      await signIn(page, t.principal('user'));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome to ${t.name}`);
      await expect.poll(() => batches.length, { timeout: 15_000 }).toBeGreaterThan(0);
    });
    await step('leave the page: the last batch (with CLS) goes out on pagehide', async () => {
      await page.goto('about:blank');
    });
    const sessionId = batches[0]?.UserDetails.sessionId ?? '';
    await step('the collector kept this session’s events', async () => {
      await expect
        .poll(
          async () => {
            const view = (await (await request.get(`${base}${LOCAL_RUM_PATH}`)).json()) as {
              events: { type: string; sessionId: string; details: string }[];
            };
            return [
              ...new Set(view.events.filter((e) => e.sessionId === sessionId).map((e) => e.type)),
            ].sort();
          },
          { timeout: 10_000 },
        )
        .toEqual(
          expect.arrayContaining([
            RUM_EVENT_TYPES.lcp,
            RUM_EVENT_TYPES.cls,
            RUM_EVENT_TYPES.navigation,
            RUM_EVENT_TYPES.http,
          ]),
        );
      const view = (await (
        await request.get(`${base}${LOCAL_RUM_PATH}?type=${RUM_EVENT_TYPES.http}`)
      ).json()) as {
        events: { sessionId: string; details: string }[];
      };
      const urls = view.events
        .filter((e) => e.sessionId === sessionId)
        .map((e) => JSON.parse(e.details).request.url);
      expect(urls).toContain(`${base}/v1/me`); // the session's profile call, without query
      expect(urls.every((u: string) => !u.includes('?'))).toBe(true);
    });
  } finally {
    await request.put(`${base}/_local/flags`, { data: { [RUM_FLAG]: flags[RUM_FLAG] ?? false } });
  }
});
