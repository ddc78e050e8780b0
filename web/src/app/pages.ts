import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { Role } from '../../../lib/config/roles';

/** Navigation sections, in header order. */
export type NavSection = 'workspace' | 'tenant-admin' | 'platform';

/** One console page: a route and a lazily loaded component (its own chunk). */
export interface PageDef {
  /** Route path under the console base, react-router syntax (`reports/:reportId`); `''` = home. */
  path: string;
  /** Document title (the page's `h1` says the same or more). */
  title: string;
  /** Shown in the navigation under `section` when set. */
  nav?: { label: string; section: NavSection };
  /** Roles that may open it (any one); omitted = every signed-in user. Others get the "not allowed" page. */
  roles?: readonly Role[];
  component: LazyExoticComponent<ComponentType>;
}

const ADMINS: readonly Role[] = ['tenant-admin', 'platform-admin'];
const PLATFORM: readonly Role[] = ['platform-admin'];

/**
 * The console's pages. Adding one is an entry here plus a component under `pages/` (default export): the router,
 * the navigation and the role guard read this table.
 */
export const PAGES: readonly PageDef[] = [
  {
    path: '',
    title: 'Home',
    nav: { label: 'Home', section: 'workspace' },
    component: lazy(() => import('../pages/HomePage')),
  },
  {
    path: 'reports',
    title: 'Reports',
    nav: { label: 'Reports', section: 'workspace' },
    component: lazy(() => import('../pages/reports/ReportsPage')),
  },
  {
    path: 'reports/new',
    title: 'New report',
    component: lazy(() => import('../pages/reports/NewReportPage')),
  },
  {
    path: 'reports/:reportId',
    title: 'Report',
    component: lazy(() => import('../pages/reports/ReportPage')),
  },
  {
    path: 'limits',
    title: 'My limits and usage',
    nav: { label: 'My limits', section: 'workspace' },
    component: lazy(() => import('../pages/MyLimitsPage')),
  },
  {
    path: 'admin/users',
    title: 'User limits',
    nav: { label: 'User limits', section: 'tenant-admin' },
    roles: ADMINS,
    component: lazy(() => import('../pages/admin/UserLimitsPage')),
  },
  {
    path: 'admin/usage',
    title: 'Tenant usage',
    nav: { label: 'Usage', section: 'tenant-admin' },
    roles: ADMINS,
    component: lazy(() => import('../pages/admin/TenantUsagePage')),
  },
  {
    path: 'admin/audit',
    title: 'Audit log',
    nav: { label: 'Audit log', section: 'tenant-admin' },
    roles: ADMINS,
    component: lazy(() => import('../pages/admin/AuditPage')),
  },
  {
    path: 'platform/tenants',
    title: 'Tenants',
    nav: { label: 'Tenants', section: 'platform' },
    roles: PLATFORM,
    component: lazy(() => import('../pages/platform/TenantsPage')),
  },
  {
    path: 'platform/tenants/:tenantId',
    title: 'Tenant',
    roles: PLATFORM,
    component: lazy(() => import('../pages/platform/TenantDetailPage')),
  },
  {
    path: 'platform/tiers',
    title: 'Tiers',
    nav: { label: 'Tiers', section: 'platform' },
    roles: PLATFORM,
    component: lazy(() => import('../pages/platform/TiersPage')),
  },
  {
    path: 'platform/usage',
    title: 'Live usage',
    nav: { label: 'Live usage', section: 'platform' },
    roles: PLATFORM,
    component: lazy(() => import('../pages/platform/LiveUsagePage')),
  },
];
