import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import { PAGE_META, type PageMeta, type PagePath } from './page-meta';

export type { NavSection } from './page-meta';

/** One console page: its {@link PageMeta} and a lazily loaded component (its own chunk). */
export interface PageDef extends PageMeta {
  component: LazyExoticComponent<ComponentType>;
}

/** The component of each page path (one chunk per page). */
const COMPONENTS: Record<PagePath, LazyExoticComponent<ComponentType>> = {
  '': lazy(() => import('../pages/HomePage')),
  reports: lazy(() => import('../pages/reports/ReportsPage')),
  'reports/new': lazy(() => import('../pages/reports/NewReportPage')),
  'reports/:reportId': lazy(() => import('../pages/reports/ReportPage')),
  limits: lazy(() => import('../pages/MyLimitsPage')),
  'admin/users': lazy(() => import('../pages/admin/UserLimitsPage')),
  'admin/usage': lazy(() => import('../pages/admin/TenantUsagePage')),
  'admin/audit': lazy(() => import('../pages/admin/AuditPage')),
  'admin/analytics': lazy(() => import('../pages/admin/AnalyticsPage')),
  'platform/tenants': lazy(() => import('../pages/platform/TenantsPage')),
  'platform/tenants/:tenantId': lazy(() => import('../pages/platform/TenantDetailPage')),
  'platform/tiers': lazy(() => import('../pages/platform/TiersPage')),
  'platform/usage': lazy(() => import('../pages/platform/LiveUsagePage')),
  'platform/operations': lazy(() => import('../pages/platform/OperationsPage')),
  'platform/security': lazy(() => import('../pages/platform/SecurityPage')),
};

/** The console's pages (`page-meta.ts`) with their components: the router, navigation and role guard read this. */
export const PAGES: readonly PageDef[] = PAGE_META.map((m) => ({ ...m, component: COMPONENTS[m.path] }));
