import type { ReactNode } from 'react';

/**
 * The page's one `h1`. It is the focus target after a route change (`tabIndex -1`, see `useRouteFocus`), so screen
 * readers announce the new page.
 */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1 tabIndex={-1} data-route-focus>
        {title}
      </h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}
