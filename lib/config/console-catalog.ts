/**
 * The console's page paths and counted features (its own module, zod-free, next to `console.ts`, the runtime
 * configuration): the one list both the console (`web/src/app/page-meta.ts`,
 * `web/src/analytics/product-events.ts`) and the `POST /v1/events` schema (`lib/config/analytics.ts`: `page_view`'s
 * `page` and `feature_used`'s `feature` must be one of these) read. Pure data, no React and no zod: the Lambdas and
 * the console import it. docs/analytics.md lists them.
 */

/**
 * The page template of every console page, in `PAGE_META` order: its route path under the console base with `/`
 * in front and parameters as `{name}` (the API's template syntax) — the only values `page_view`'s `page` may take,
 * never a concrete URL or id. `PAGE_META`'s `path` (react-router syntax) is typed as one of these
 * ({@link ConsolePagePath}), and a test checks that every one has a page. Adding a page is an entry here and one in
 * `PAGE_META`.
 */
export const CONSOLE_PAGE_TEMPLATES = [
  '/',
  '/reports',
  '/reports/new',
  '/reports/{reportId}',
  '/limits',
  '/admin/users',
  '/admin/usage',
  '/admin/audit',
  '/admin/analytics',
  '/platform/tenants',
  '/platform/tenants/{tenantId}',
  '/platform/tiers',
  '/platform/usage',
  '/platform/operations',
  '/platform/security',
] as const;
/** One console page template ({@link CONSOLE_PAGE_TEMPLATES}). */
export type ConsolePageTemplate = (typeof CONSOLE_PAGE_TEMPLATES)[number];

/** `{name}` parameters of a template as react-router's `:name`. */
type RouterParams<S extends string> = S extends `${infer A}{${infer P}}${infer B}`
  ? `${A}:${P}${RouterParams<B>}`
  : S;
/**
 * A console page's route path, react-router syntax, as `PAGE_META` holds it: a {@link ConsolePageTemplate} without
 * the leading `/` and with `:name` parameters (`/` → `''`, `/reports/{reportId}` → `reports/:reportId`).
 */
export type ConsolePagePath = RouterPath<ConsolePageTemplate>;
/** {@link ConsolePagePath} of one template (distributes over a union). */
type RouterPath<T extends string> = T extends `/${infer R}` ? RouterParams<R> : never;

/**
 * The page template of a console route path (react-router syntax), as `page_view`'s `page` property: `''` → `/`,
 * `reports/:reportId` → `/reports/{reportId}`. For a {@link ConsolePagePath} the result is in
 * {@link CONSOLE_PAGE_TEMPLATES}.
 */
export function pageTemplate(path: string): string {
  return `/${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

/**
 * The console's features whose use is counted (`feature_used`, prop `feature`; nothing else is accepted), in
 * {@link CONSOLE_FEATURES} order. A list of its own (not `Object.keys`) so the Lambdas, which check ids only, do not
 * bundle the descriptions; the compiler keeps the two equal.
 */
export const CONSOLE_FEATURE_IDS = [
  'report.create',
  'usage.filter',
  'audit.filter',
  'analytics.filter',
  'limits.edit',
] as const;
/** One console feature identifier. */
export type ConsoleFeature = (typeof CONSOLE_FEATURE_IDS)[number];

/** What each console feature is, id → description. Each is sent when the action succeeded or was applied. */
export const CONSOLE_FEATURES = {
  /** A report was created from the New report form. */
  'report.create': 'Create a report (New report form)',
  /** Tenant usage: a tenant / range filter applied. */
  'usage.filter': 'Filter tenant usage',
  /** Audit log: a filter applied. */
  'audit.filter': 'Filter the audit log',
  /** Analytics page: a range / tenant / vertical filter applied. */
  'analytics.filter': 'Filter the analytics page',
  /** A limit rule saved (User limits, a tenant's limits). */
  'limits.edit': 'Tune limits (save a rule set)',
} as const satisfies Record<ConsoleFeature, string>;
