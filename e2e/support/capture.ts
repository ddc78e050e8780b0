import type { Page } from '@playwright/test';

/** Which POSTs {@link capturePostBodies} records: an exact URL, or every URL starting with a prefix. */
export type PostMatch = { url: string } | { prefix: string };

let bindings = 0;

/**
 * Records the bodies of the page's `fetch` POSTs that `match`, read inside the page: a pass-through wrapper of
 * `window.fetch`, installed by an init script before any page script runs, hands each body to an exposed binding.
 * Needed because Playwright 1.64.1 has no request bodies over WebDriver BiDi (`request.postData()` is null in
 * Firefox). Call it before the page's first navigation; it applies to every later load of `page`.
 *
 * A body posted while the page unloads may be missing (Chromium does not deliver a binding called during unload):
 * wait for the senders' timers rather than for `pagehide` sends.
 * @returns the bodies as sent (strings, in send order); the array fills as the page posts
 */
export async function capturePostBodies(page: Page, match: PostMatch): Promise<string[]> {
  const bodies: string[] = [];
  const binding = `__e2ePostBody${++bindings}`;
  await page.exposeFunction(binding, (body: string) => {
    bodies.push(body);
  });
  await page.addInitScript(
    ({ binding, url, prefix }) => {
      const w = globalThis as unknown as {
        fetch: (input: unknown, init?: { method?: string; body?: unknown }) => Promise<unknown>;
      } & Record<string, unknown>;
      const original = w.fetch;
      w.fetch = (input, init) => {
        const target = String(input);
        if (init?.method === 'POST' && (url !== null ? target === url : target.startsWith(prefix ?? ''))) {
          (w[binding] as (body: string) => void)(String(init.body));
        }
        return original.call(globalThis, input, init);
      };
    },
    {
      binding,
      url: 'url' in match ? match.url : null,
      prefix: 'prefix' in match ? match.prefix : null,
    },
  );
  return bodies;
}
