import { useState } from 'react';

/**
 * Cursor paging over an API that answers a page and the token of the next one: the stack of tokens seen, the current
 * one (`undefined` = first page) and the 1-based page number.
 */
export function useCursorPages() {
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  return {
    /** Token of the current page (`undefined` on the first). */
    token: tokens[tokens.length - 1],
    /** 1-based number of the current page. */
    page: tokens.length,
    /** Goes to the page of `next` (the token the API answered). */
    next: (next: string | undefined) => setTokens((t) => [...t, next]),
    previous: () => setTokens((t) => (t.length > 1 ? t.slice(0, -1) : t)),
    /** Back to the first page (filters changed). */
    reset: () => setTokens([undefined]),
  };
}

/** Paging state from {@link useCursorPages}. */
export type CursorPages = ReturnType<typeof useCursorPages>;

/** Props of {@link Pager}. */
export interface PagerProps {
  /** Accessible name of the pager's navigation landmark, e.g. "Audit pages". */
  label: string;
  /** The paging state ({@link useCursorPages}). */
  pages: CursorPages;
  /** Token of the next page as the API answered it; absent on the last page. */
  nextToken: string | undefined;
}

/** Previous / Next buttons and the page number, in a labelled navigation landmark. */
export function Pager({ label, pages, nextToken }: PagerProps) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={pages.page === 1} onClick={pages.previous}>
        Previous page
      </button>
      <span>Page {pages.page}</span>
      <button type="button" disabled={!nextToken} onClick={() => pages.next(nextToken)}>
        Next page
      </button>
    </nav>
  );
}
