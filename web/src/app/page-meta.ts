import type { ConsolePagePath } from '../../../lib/config/console-catalog';
import type { Role } from '../../../lib/config/roles';

/** Navigation sections, in header order. */
export type NavSection = 'workspace' | 'tenant-admin' | 'platform';

/** What the console knows about a page without loading it (no React here: the browser suites read it too). */
export interface PageMeta {
  /**
   * Route path under the console base, react-router syntax (`reports/:reportId`); `''` = home. One of the console's
   * page templates (`CONSOLE_PAGE_TEMPLATES`, lib/config/console-catalog.ts — what `page_view` may send), so a page
   * missing there does not compile.
   */
  path: ConsolePagePath;
  /** Document title (the page's `h1` says the same or more). */
  title: string;
  /** Shown in the navigation under `section` when set. */
  nav?: { label: string; section: NavSection };
  /** Roles that may open it (any one); omitted = every signed-in user. Others get the "not allowed" page. */
  roles?: readonly Role[];
}

const ADMINS: readonly Role[] = ['tenant-admin', 'platform-admin'];
const PLATFORM: readonly Role[] = ['platform-admin'];

/**
 * The console's pages: path, title, navigation and roles. Adding one is an entry here, its component in
 * `pages.ts` and a file under `pages/` (default export): the router, the navigation, the role guard and the visual
 * and accessibility suites read this table.
 */
export const PAGE_META = [
  {
    path: '',
    title: 'Home',
    nav: { label: 'Home', section: 'workspace' },
  },
  {
    path: 'reports',
    title: 'Reports',
    nav: { label: 'Reports', section: 'workspace' },
  },
  {
    path: 'reports/new',
    title: 'New report',
  },
  {
    path: 'reports/:reportId',
    title: 'Report',
  },
  {
    path: 'limits',
    title: 'My limits and usage',
    nav: { label: 'My limits', section: 'workspace' },
  },
  {
    path: 'admin/users',
    title: 'User limits',
    nav: { label: 'User limits', section: 'tenant-admin' },
    roles: ADMINS,
  },
  {
    path: 'admin/usage',
    title: 'Tenant usage',
    nav: { label: 'Usage', section: 'tenant-admin' },
    roles: ADMINS,
  },
  {
    path: 'admin/audit',
    title: 'Audit log',
    nav: { label: 'Audit log', section: 'tenant-admin' },
    roles: ADMINS,
  },
  {
    path: 'admin/analytics',
    title: 'Analytics',
    nav: { label: 'Analytics', section: 'tenant-admin' },
    roles: ADMINS,
  },
  {
    path: 'platform/tenants',
    title: 'Tenants',
    nav: { label: 'Tenants', section: 'platform' },
    roles: PLATFORM,
  },
  {
    path: 'platform/tenants/:tenantId',
    title: 'Tenant',
    roles: PLATFORM,
  },
  {
    path: 'platform/tiers',
    title: 'Tiers',
    nav: { label: 'Tiers', section: 'platform' },
    roles: PLATFORM,
  },
  {
    path: 'platform/usage',
    title: 'Live usage',
    nav: { label: 'Live usage', section: 'platform' },
    roles: PLATFORM,
  },
  {
    path: 'platform/operations',
    title: 'Operations',
    nav: { label: 'Operations', section: 'platform' },
    roles: PLATFORM,
  },
  {
    path: 'platform/security',
    title: 'Security',
    nav: { label: 'Security', section: 'platform' },
    roles: PLATFORM,
  },
] as const satisfies readonly PageMeta[];

/** A page path of {@link PAGE_META}. */
export type PagePath = (typeof PAGE_META)[number]['path'];
