import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/**
 * Moves focus to the new page's `h1` (`[data-route-focus]`) after a route change (not on first load), and sets the
 * document title — WCAG 2.4.3 focus order for single-page navigation. Retries briefly while a lazy page loads.
 */
export function useRouteFocus(title: string | undefined): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (title) document.title = `${title} · MarketEdge`;
  }, [title]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per navigation (pathname)
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let tries = 0;
    const focus = () => {
      const h = document.querySelector<HTMLElement>('[data-route-focus]');
      if (h) h.focus();
      else if (tries++ < 20) timer = setTimeout(focus, 50);
    };
    let timer = setTimeout(focus, 0);
    return () => clearTimeout(timer);
  }, [pathname]);
}
