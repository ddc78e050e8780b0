import type { Page } from '@playwright/test';

/** Web Vitals of one page load; `null` where the browser has no API for it. */
export interface WebVitals {
  /** Largest Contentful Paint, ms from navigation start: the last LCP candidate, final at the first input. */
  lcpMs: number | null;
  /** Cumulative Layout Shift: the largest session window of layout shifts without recent input (as web.dev defines). */
  cls: number | null;
  /**
   * Total Blocking Time, ms: sum over long tasks (> 50 ms) of the part above 50 ms, from navigation start to the
   * first input (the load's tasks, not the interactions').
   */
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
        firstInputAt: number | null;
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
      firstInputAt: null as number | null,
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
    // The first input is reported whatever its duration: proof that an interaction happened, and where the load's
    // long tasks (TBT) end.
    observe('first-input', (e) => {
      v.inputs += 1;
      v.firstInputAt ??= e.startTime;
    });
  });
}

/**
 * Interacts with the page as a keyboard and a mouse user would, so INP has something to measure and LCP is final
 * (the browser stops reporting LCP candidates at the first input): Tab (focus moves to the "Skip to content" link,
 * which appears) and a click in the middle of the page's main heading. Harmless on every page. The click goes
 * straight to the heading's coordinates (one `evaluate`): `locator.click()`'s actionability checks cost 0.5–3 s of
 * round trips under load, and the page is already settled.
 */
export async function interactForInp(page: Page): Promise<void> {
  const at = await page.evaluate(() => {
    const d = (
      globalThis as unknown as {
        document: {
          querySelector(s: string): {
            getBoundingClientRect(): { x: number; y: number; width: number; height: number };
          } | null;
        };
      }
    ).document;
    const r = d.querySelector('h1')?.getBoundingClientRect();
    return r ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
  });
  if (!at) throw new Error('interactForInp: the page has no h1');
  await page.keyboard.press('Tab');
  await page.mouse.click(at.x, at.y);
}

/**
 * Reads the vitals recorded since the page loaded (see {@link recordWebVitals}); call after {@link interactForInp}.
 * Waits in the page (up to 5 s) for the first-input entry, then two animation frames and a task, so the Event Timing
 * entries of the interactions (reported after the next paint) are in.
 */
export async function readWebVitals(page: Page): Promise<WebVitals> {
  const raw = await page.evaluate(async () => {
    const g = globalThis as unknown as {
      __vitals: { inputs: number };
      requestAnimationFrame(cb: () => void): void;
      setTimeout(cb: () => void, ms: number): void;
    };
    const frame = () => new Promise<void>((r) => g.requestAnimationFrame(() => r()));
    for (let i = 0; i < 100 && g.__vitals.inputs === 0; i += 1) {
      await new Promise<void>((r) => g.setTimeout(r, 50));
    }
    await frame();
    await frame();
    await new Promise<void>((r) => g.setTimeout(r, 0));
    return JSON.parse(JSON.stringify(g.__vitals)) as {
      lcp: number | null;
      shifts: { startTime: number; value: number; hadRecentInput: boolean }[];
      longTasks: { startTime: number; duration: number }[];
      interactions: number[];
      inputs: number;
      firstInputAt: number | null;
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
  const loadEnd = raw.firstInputAt ?? Number.POSITIVE_INFINITY;
  const tbtMs = raw.supported.includes('longtask')
    ? raw.longTasks
        .filter((t) => t.startTime < loadEnd)
        .reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0)
    : null;
  const inpMs = raw.supported.includes('event') && raw.inputs > 0 ? Math.max(0, ...raw.interactions) : null;
  const round = (x: number | null, d: number) => (x === null ? null : Number(x.toFixed(d)));
  return { lcpMs: round(raw.lcp, 0), cls: round(cls, 4), tbtMs: round(tbtMs, 0), inpMs: round(inpMs, 0) };
}
