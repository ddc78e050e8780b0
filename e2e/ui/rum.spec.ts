import { LOCAL_RUM_PATH, RUM_FLAG } from '../../lib/config/console';
import type { PutRumEvents } from '../../lib/config/rum';
import { RUM_EVENT_TYPES } from '../../lib/config/rum';
import { capturePostBodies } from '../support/capture';
import { consolePath, signIn } from '../support/console';
import { baseUrl } from '../support/env';
import { expect, step, test } from '../support/fixtures';
import { withStackLock } from '../support/stack-lock';

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
  // The flag is stack-wide and this spec runs in both browsers at once: one holds it on at a time.
  await withStackLock(RUM_FLAG, async () => {
    const flags = (await (await request.get(`${base}/_local/flags`)).json()) as Record<string, boolean>;
    await request.put(`${base}/_local/flags`, { data: { [RUM_FLAG]: true } });
    try {
      const t = await provisionTenant({ vertical: 'retail' });
      const config = (await (await request.get(`${base}${consolePath('config.json')}`)).json()) as {
        rum?: { endpoint: string; appMonitorId: string };
      };
      expect(config.rum?.endpoint).toBe(`${base}${LOCAL_RUM_PATH}`);

      // The batches the page posts (read in the page: Playwright has no request bodies over WebDriver BiDi).
      const bodies = await capturePostBodies(page, { prefix: `${config.rum?.endpoint}/appmonitors/` });
      const batches = (): PutRumEvents[] => bodies.map((b) => JSON.parse(b) as PutRumEvents);
      await step('sign in and use the console (the sender flushes every 5 s)', async () => {
        await signIn(page, t.principal('user'));
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome to ${t.name}`);
        // Sign-in leaves the console for the issuer's page and comes back: the page before it had a RUM session of
        // its own. This session is the one whose batch carries the signed-in page's profile call.
        await expect
          .poll(() => signedInSession(batches(), `${base}/v1/me`), { timeout: 20_000 })
          .not.toBe('');
      });
      // CLS only from browsers with the Layout Instability API (Chromium; not Firefox), LCP from both.
      const measuresCls = await page.evaluate(() =>
        (
          globalThis as unknown as { PerformanceObserver: { supportedEntryTypes: readonly string[] } }
        ).PerformanceObserver.supportedEntryTypes.includes('layout-shift'),
      );
      await step('leave the page: the last batch goes out on pagehide', async () => {
        await page.goto('about:blank');
      });
      const sessionId = signedInSession(batches(), `${base}/v1/me`);
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
              RUM_EVENT_TYPES.navigation,
              RUM_EVENT_TYPES.http,
              ...(measuresCls ? [RUM_EVENT_TYPES.cls] : []),
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
});

/** The session id of the first batch with an `http` event for `url` ('' when none yet). */
function signedInSession(batches: readonly PutRumEvents[], url: string): string {
  const batch = batches.find((b) =>
    b.RumEvents.some(
      (e) =>
        e.type === RUM_EVENT_TYPES.http &&
        (JSON.parse(e.details) as { request?: { url?: string } }).request?.url === url,
    ),
  );
  return batch?.UserDetails.sessionId ?? '';
}
