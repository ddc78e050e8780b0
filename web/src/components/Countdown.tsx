import { useEffect, useState } from 'react';
import { formatDuration, now, secondsUntil } from '../clock';

/**
 * Seconds left until a deadline, refreshed every second; calls `onDone` once when it reaches zero. The deadline is
 * fixed at mount (`seconds` from now), so re-renders do not restart it. The tick is an interval, not a timeout re-armed
 * on each change: a tick that reads the same second (the clock stood still or stepped back) changes no state, so a
 * re-armed timeout would never come again and the countdown would stop.
 */
export function useCountdown(seconds: number, onDone?: () => void): number {
  const [deadline] = useState(() => now() + seconds * 1000);
  const [left, setLeft] = useState(() => secondsUntil(deadline));
  useEffect(() => {
    if (left <= 0) {
      onDone?.();
      return;
    }
    const t = setInterval(() => setLeft(secondsUntil(deadline)), 1000);
    return () => clearInterval(t);
  }, [left, deadline, onDone]);
  return left;
}

/** "Try again in 12 s" with a live countdown (announced politely, not every second: `aria-live` off on the number). */
export function Countdown({ seconds, onDone }: { seconds: number; onDone?: () => void }) {
  const left = useCountdown(seconds, onDone);
  return left > 0 ? (
    <span data-testid="countdown">
      Try again in <time dateTime={`PT${left}S`}>{formatDuration(left)}</time>.
    </span>
  ) : (
    <span>You can try again now.</span>
  );
}
