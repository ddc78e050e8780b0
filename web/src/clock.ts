/**
 * The console's clock. Everything time-dependent (countdowns, "time left", relative times) reads {@link now}, so unit
 * tests drive it with `vi.useFakeTimers()` / `vi.setSystemTime()` and browser suites with Playwright's `page.clock`
 * (both replace `Date`).
 */
export function now(): number {
  return Date.now();
}

/** Seconds left until `epochMs` (never negative), rounded up. */
export function secondsUntil(epochMs: number): number {
  return Math.max(0, Math.ceil((epochMs - now()) / 1000));
}

/** "1 h 5 min", "3 min 20 s", "45 s" for a duration in seconds. */
export function formatDuration(totalSec: number): string {
  const s = Math.max(0, Math.round(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return sec > 0 ? `${m} min ${sec} s` : `${m} min`;
  return `${sec} s`;
}
