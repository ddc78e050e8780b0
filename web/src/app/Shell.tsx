import { type KeyboardEvent, Suspense, useEffect, useRef, useState } from 'react';
import { matchPath, NavLink, Route, Routes, useLocation } from 'react-router';
import { useProductEvents } from '../analytics/events-context';
import { pageTemplate } from '../analytics/product-events';
import { useAuthState } from '../auth/auth-state';
import { Loading } from '../components/Loading';
import ForbiddenPage from '../pages/ForbiddenPage';
import NotFoundPage from '../pages/NotFoundPage';
import { useSession } from '../session/session';
import { type NavSection, PAGES, type PageDef } from './pages';
import { useRouteFocus } from './useRouteFocus';

const SECTION_LABELS: Record<NavSection, string> = {
  workspace: 'Workspace',
  'tenant-admin': 'Tenant admin',
  platform: 'Platform',
};

function allowed(page: PageDef, hasRole: (...r: PageDef['roles'] & {}) => boolean): boolean {
  return !page.roles || hasRole(...page.roles);
}

/**
 * Product analytics of the shell: `first_login` once the session is known, and a `page_view` per navigation (each
 * history entry once, even when React runs the effect twice) with the page's route template — never the concrete URL.
 * Unknown paths (the not-found page) send nothing.
 */
function useProductAnalytics(current: PageDef | undefined, locationKey: string, userKey: string): void {
  const events = useProductEvents();
  const lastKey = useRef<string>(undefined);
  useEffect(() => events.firstLogin(userKey), [events, userKey]);
  useEffect(() => {
    if (lastKey.current === locationKey) return;
    lastKey.current = locationKey;
    if (current) events.pageView(pageTemplate(current.path));
  }, [events, current, locationKey]);
}

/**
 * The signed-in layout: skip link, header (tenant name/logo, tier, user, sign out), the side navigation and the routed
 * page. On narrow viewports (below 64rem: phones, tablets) the navigation folds into a "Menu" button that shows and
 * hides it (`aria-expanded`); it folds again after a navigation or on Escape. Wide viewports always show it.
 */
export function Shell() {
  const { me, theme, hasRole } = useSession();
  const auth = useAuthState();
  const { pathname, key: locationKey } = useLocation();
  // The menu is open on the page it was opened on: any navigation folds it.
  const [openOn, setOpenOn] = useState<string>();
  const menuOpen = openOn === pathname;
  const setMenuOpen = (open: boolean) => setOpenOn(open ? pathname : undefined);
  const menuButton = useRef<HTMLButtonElement>(null);
  const current = PAGES.find((p) => matchPath({ path: `/${p.path}`, end: true }, pathname));
  useRouteFocus(current?.title ?? 'Not found');
  useProductAnalytics(current, locationKey, `${me.tenantId}:${me.userId}`);
  const sections = (Object.keys(SECTION_LABELS) as NavSection[])
    .map((s) => ({ s, pages: PAGES.filter((p) => p.nav?.section === s && allowed(p, hasRole)) }))
    .filter((x) => x.pages.length > 0);
  const onNavKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && menuOpen) {
      setMenuOpen(false);
      menuButton.current?.focus();
    }
  };
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="menu-toggle secondary"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <div className="brand">
          {theme.logoUrl && <img src={theme.logoUrl} alt="" className="logo" />}
          <span className="tenant-name">{theme.displayName ?? me.tenantId}</span>
          <span className="badge" title="tier">
            {me.tier}
          </span>
        </div>
        <div className="user">
          <span>
            {me.userId} <span className="muted-on-primary">({me.roles.join(', ')})</span>
          </span>
          <button type="button" className="secondary" onClick={() => auth.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="layout">
        <nav
          id="main-nav"
          aria-label="Main"
          className={menuOpen ? 'sidenav open' : 'sidenav'}
          onKeyDown={onNavKey}
        >
          {/* The nav's box runs the page's full height (its background); its links stay in view on scroll. */}
          <div className="sidenav-links">
            {sections.map(({ s, pages }) => (
              <div className="nav-section" key={s}>
                {sections.length > 1 && <span className="nav-section-label">{SECTION_LABELS[s]}</span>}
                <ul>
                  {pages.map((p) => (
                    <li key={p.path}>
                      <NavLink to={`/${p.path}`} end={p.path === ''}>
                        {p.nav?.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </nav>
        <main id="main" className="page">
          <Suspense fallback={<Loading />}>
            <Routes>
              {PAGES.map((p) => (
                <Route
                  key={p.path}
                  path={`/${p.path}`}
                  element={allowed(p, hasRole) ? <p.component /> : <ForbiddenPage />}
                />
              ))}
              <Route path="/callback" element={<Loading label="Signing in" />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </main>
      </div>
    </div>
  );
}
