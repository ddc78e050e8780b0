/**
 * Performance budgets: the single home of every size and speed target of the platform (issue #17). Pure data, no
 * AWS or CDK imports. Each budget is checked where it lives:
 * - build sizes by `npm run verify` (`scripts/check-lambda-bundles.ts`, `scripts/check-bundle-budget.ts`);
 * - runtime budgets (Lambda p99 duration, the authorizer's included): one CloudWatch alarm per function,
 *   `LambdaP99Duration-<fn>` of the alarm catalog (`lib/config/alarms.ts`);
 * - benchmark budgets (authorizer warm p99, gateway overhead) in the benchmarks' `RESULT {json}` line.
 */

/** The Lambda handlers of the platform, one per `lambdas/<name>/handler.ts` (deployed or not). */
export const LAMBDA_HANDLERS = [
  'authorizer',
  'reports',
  'edge-proxy',
  'admin',
  'health',
  'security-events',
  'security-responder',
  'analytics-report',
] as const;
/** One of {@link LAMBDA_HANDLERS}. */
export type LambdaHandlerName = (typeof LAMBDA_HANDLERS)[number];

/**
 * Largest minified bundle per Lambda, KiB (1 KiB = 1024 bytes): the esbuild output the deployment ships
 * (`index.mjs`, without its source map). The authorizer sits in front of every request and is held to 150 KiB;
 * every other Lambda to 500 KiB.
 */
export const LAMBDA_BUNDLE_BUDGET_KIB: Readonly<Record<LambdaHandlerName, number>> = {
  authorizer: 150,
  reports: 500,
  'edge-proxy': 500,
  admin: 500,
  health: 500,
  'security-events': 500,
  'security-responder': 500,
  'analytics-report': 500,
};

/**
 * p99 of the CloudWatch `AWS/Lambda` `Duration` metric per deployed Lambda, ms (invocation time; a cold start's init
 * is reported apart as `InitDuration`): the threshold of the alarm `LambdaP99Duration-<fn>` (`lib/config/alarms.ts`).
 * The authorizer sits in front of every request; `edge-proxy` waits for the upstream (route `timeoutMs` caps it); the
 * security Lambdas run off the request path (log batches, WAF IP-set updates with lock-token retries).
 */
export const LAMBDA_P99_DURATION_BUDGET_MS: Readonly<Record<LambdaHandlerName, number>> = {
  authorizer: 100,
  reports: 300,
  'edge-proxy': 1_000,
  admin: 500,
  health: 50,
  'security-events': 2_000,
  'security-responder': 10_000,
  // Three Athena queries one after another; a run this long is heading for its 600 s timeout.
  'analytics-report': 300_000,
};

/**
 * Lambdas run by a schedule rather than by traffic (one invocation per run): each run is one `Duration` data point,
 * so their `LambdaP99Duration-<fn>` alarm fires on one slow run (1 of 1 periods) instead of 3 periods running.
 */
export const SCHEDULED_LAMBDAS: ReadonlySet<LambdaHandlerName> = new Set(['analytics-report']);

/** Authorizer budgets: p99 of one warm `authorize` call (benchmark) and of the deployed `Duration` (alarm), ms. */
export const AUTHORIZER_BUDGET = {
  /** `npm run bench:authorizer`: full authorizer call, warm, p99, ms. */
  warmCallP99Ms: 5,
  /** `npm run bench:authorizer`: import + first verify in a fresh process, ms. */
  coldVerifyMs: 150,
} as const;

/**
 * What the edge adds to a request, ms: full path (authorizer, usage plan, limiter, handler) minus the bare `/health`
 * route at the same load (`npm run load`), and per-route p99 alarm headroom over the measured baseline.
 */
export const GATEWAY_BUDGET = {
  /** `npm run load`: full-path overhead over the bare route at p99, ms. */
  overheadP99Ms: 50,
  /** `npm run load`: full-path overhead over the bare route at p50, ms. */
  overheadP50Ms: 10,
} as const;

/** Web console budgets (the browser's view). */
export const CONSOLE_BUDGET = {
  /** JavaScript loaded before the first page renders (entry chunk + its static imports), KiB gzipped. */
  initialJsKibGzip: 200,
  /** Largest Contentful Paint, p75 over real users (CloudWatch RUM) and in the browser suite, ms. */
  lcpMs: 2_500,
  /** Interaction to Next Paint, p75, ms. */
  inpMs: 200,
  /** Cumulative Layout Shift, p75 (unitless). */
  cls: 0.1,
} as const;

/** Product analytics budgets (issue #14), checked by `npm run bench:analytics` (exit code 1 when over). */
export const ANALYTICS_BUDGET = {
  /** Every standard query on the benchmark data set (embedded DuckDB, this machine), median wall time, ms. */
  queryMs: 2_000,
  /**
   * What ingestion adds to a request, p99, ms: the `POST /v1/events` core for a 10-event batch, and one server-side
   * emit (the work the emitters hand to a microtask), both in-process with the log sink's serialisation.
   */
  ingestP99Ms: 1,
} as const;

/**
 * Web Vitals budgets of the browser suite (`quality-chromium`, `quality-firefox`; `e2e/quality/vitals.spec.ts`):
 * one cold page load and one interaction per console page (once per browser), measured in the browser with
 * PerformanceObservers (`e2e/support/web-vitals.ts`), fail above. These are lab budgets for the CI machine (2 shared
 * cores running the local stack, two browser workers and the rest of `npm run verify`), not the field targets of
 * {@link CONSOLE_BUDGET} (p75 of real users): a lab figure on a busy 2-core machine is a worst case, so the lab
 * budget is looser where load inflates the figure (LCP, INP, TBT) and the same where it does not (CLS, which is
 * layout, not time). Each value and the figures it was set from are in docs/testing.md.
 */
export const CONSOLE_LAB_VITALS_BUDGET = {
  /** Largest Contentful Paint of the page load, ms (Chromium and Firefox). */
  lcpMs: 4_000,
  /** Cumulative Layout Shift of the page load and the interaction, unitless (Chromium: Firefox has no API). */
  cls: CONSOLE_BUDGET.cls,
  /** Interaction to Next Paint of the page's interactions (Tab to the skip link, a click), ms (both browsers). */
  inpMs: 500,
  /**
   * Total Blocking Time from navigation to the first input (the page is settled by then), ms (Chromium: Firefox has
   * no Long Tasks API).
   */
  tbtMs: 600,
} as const;

/** The Web Vitals a budget sets, by name. */
export type ConsoleVitalsBudget = { readonly [K in keyof typeof CONSOLE_LAB_VITALS_BUDGET]: number };
