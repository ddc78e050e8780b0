import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * The box a table scrolls in when it is wider than the page (a 375 px phone): the table scrolls sideways inside it,
 * never the page. While it actually overflows, the box is a keyboard-focusable region named by the table's caption
 * (`role="region"`, `aria-labelledby`, `tabIndex=0`), so it can be scrolled with the arrow keys and a screen reader
 * says what was focused; a table that fits adds no tab stop and no landmark. Overflow is re-checked when the box or
 * the table changes size (`ResizeObserver`; without it, as in jsdom, the box is never a region).
 */
export function TableScroll({ captionId, children }: { captionId: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth);
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    check();
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={box}
      className="table-scroll"
      {...(overflows ? { role: 'region', 'aria-labelledby': captionId, tabIndex: 0 } : {})}
    >
      {children}
    </div>
  );
}
