import type { Page } from '@playwright/test';

/** Web Vitals of one page load; `null` where the browser has no API for it. */
export interface WebVitals {
  /** Largest Contentful Paint, ms from navigation start (the last LCP candidate before input). */
  lcpMs: number | null;
  /** Cumulative Layout Shift: the largest session window of layout shifts without recent input (as web.dev defines). */
  cls: number | null;
  /** Total Blocking Time, ms: sum over long tasks (> 50 ms) of the part above 50 ms, from navigation start. */
  tbtMs: number | null;
  /**
   * Interaction to Next Paint, ms: the longest Event Timing duration of an interaction (entries with an
   * `interactionId`; with fewer than 50 interactions INP is the worst one), 0 when every interaction stayed under
   * the 16 ms reporting threshold. `null` before any interaction or without the Event Timing API.
   */
  inpMs: number | null;
}

/**
 * Installs PerformanceObservers before any page script runs (`addInitScript`), buffering LCP, layout-shift and
 * long-task entries on `window.__vitals`. Call before `page.goto`; read with {@link readWebVitals}. Written against
 * the browser APIs directly (the definitions of web.dev's metrics) so the figures are the browser's own entries.
 */
export async function recordWebVitals(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Entry = {
      startTime: number;
      duration: number;
      value?: number;
      hadRecentInput?: boolean;
      interactionId?: number;
    };
    const g = globalThis as unknown as {
      __vitals: {
        lcp: number | null;
        shifts: Entry[];
        longTasks: Entry[];
        interactions: number[];
        inputs: number;
        supported: string[];
      };
      PerformanceObserver: {
        new (
          cb: (list: { getEntries(): Entry[] }) => void,
        ): { observe(o: { type: string; buffered: boolean; durationThreshold?: number }): void };
        supportedEntryTypes: readonly string[];
      };
    };
    const v = {
      lcp: null as number | null,
      shifts: [] as Entry[],
      longTasks: [] as Entry[],
      interactions: [] as number[],
      inputs: 0,
      supported: [] as string[],
    };
    g.__vitals = v;
    const types = g.PerformanceObserver.supportedEntryTypes ?? [];
    v.supported = [...types];
    const observe = (type: string, cb: (e: Entry) => void, durationThreshold?: number) => {
      if (!types.includes(type)) return;
      new g.PerformanceObserver((list) => list.getEntries().forEach(cb)).observe({
        type,
        buffered: true,
        ...(durationThreshold === undefined ? {} : { durationThreshold }),
      });
    };
    observe('largest-contentful-paint', (e) => {
      v.lcp = e.startTime;
    });
    observe('layout-shift', (e) => v.shifts.push(e));
    observe('longtask', (e) => v.longTasks.push(e));
    // 16 ms: the lowest threshold the Event Timing API allows (default 104 ms would hide everything below it).
    observe(
      'event',
      (e) => {
        if (e.interactionId) v.interactions.push(e.duration);
      },
      16,
    );
    // The first input is reported whatever its duration: proof that an interaction happened.
    observe('first-input', () => {
      v.inputs += 1;
    });
  });
}

/**
 * Interacts with the page as a keyboard and a mouse user would, so INP has something to measure: Tab (focus moves
 * to the "Skip to content" link, which appears) and a click on the page's main heading. Harmless on every page.
 */
export async function interactForInp(page: Page): Promise<void> {
  await page.keyboard.press('Tab');
  await page.getByRole('heading', { level: 1 }).first().click();
}

/** Reads the vitals recorded since the page loaded (see {@link recordWebVitals}). */
export async function readWebVitals(page: Page): Promise<WebVitals> {
  const raw = await page.evaluate(() => {
    const v = (globalThis as unknown as { __vitals: unknown }).__vitals;
    return JSON.parse(JSON.stringify(v)) as {
      lcp: number | null;
      shifts: { startTime: number; value: number; hadRecentInput: boolean }[];
      longTasks: { startTime: number; duration: number }[];
      interactions: number[];
      inputs: number;
      supported: string[];
    };
  });
  let cls: number | null = null;
  if (raw.supported.includes('layout-shift')) {
    // Session windows: shifts less than 1 s apart, a window at most 5 s long; CLS is the largest window.
    cls = 0;
    let windowValue = 0;
    let first = 0;
    let last = 0;
    for (const s of raw.shifts.filter((x) => !x.hadRecentInput)) {
      if (windowValue > 0 && s.startTime - last < 1000 && s.startTime - first < 5000) {
        windowValue += s.value;
      } else {
        windowValue = s.value;
        first = s.startTime;
      }
      last = s.startTime;
      cls = Math.max(cls, windowValue);
    }
  }
  const tbtMs = raw.supported.includes('longtask')
    ? raw.longTasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0)
    : null;
  const inpMs = raw.supported.includes('event') && raw.inputs > 0 ? Math.max(0, ...raw.interactions) : null;
  const round = (x: number | null, d: number) => (x === null ? null : Number(x.toFixed(d)));
  return { lcpMs: round(raw.lcp, 0), cls: round(cls, 4), tbtMs: round(tbtMs, 0), inpMs: round(inpMs, 0) };
}
