import * as z from 'zod/mini';
import type { FlagName } from './flags';
import type { StageName } from './stage-names';

/** An absolute URL without a trailing `/` (API base URLs: paths are appended to it). */
const baseUrl = () => z.url().check(z.refine((u) => !u.endsWith('/'), 'must not end with /'));

/**
 * The web console's runtime configuration: the one `config.json` a build reads at start-up, so one build serves every
 * stage. CDK writes it per stage next to the static files (S3 + CloudFront); the local stack serves it at
 * `/console/config.json` with its own issuer and port. The console validates it with this schema.
 *
 * Written with `zod/mini` (the same schemas and checks as `zod`, as functions that the console's bundler can leave
 * out when unused): this schema is the only zod the console runs before its first render, and the classic `zod`
 * entry point is 95 KB of minified JavaScript in the start-up chunk (a third of its non-React code) that every cold
 * load parses and evaluates in its longest task (docs/testing.md, "Web Vitals").
 */
export const consoleRuntimeConfigSchema = z.strictObject({
  /** Stage the console talks to (`dev`, `staging`, `prod`, or `local`). */
  stage: z.string().check(z.minLength(1)),
  /** Base URL of the API (no trailing slash), e.g. `https://api.dev.marketedge.io` or `http://localhost:3000`. */
  apiUrl: baseUrl(),
  /** OIDC authority (Auth0 tenant issuer, or the local issuer), with trailing `/` as in the token's `iss`. */
  authority: z.url(),
  /** OAuth client id of the console (an Auth0 single-page application). */
  clientId: z.string().check(z.minLength(1)),
  /** API identifier requested as the access token's `aud` (Auth0 `audience` parameter). */
  audience: z.string().check(z.minLength(1)),
  /** OAuth scopes requested at sign-in. */
  scope: z.string().check(z.minLength(1)),
  /**
   * Path under `apiUrl` of the operations summary the Operations page charts (the local stack's metric store:
   * `/_local/operations`). Absent on deployed stages, whose operations views are the CloudWatch dashboard.
   */
  operationsPath: z.optional(z.string().check(z.startsWith('/'))),
  /**
   * Real-user monitoring (CloudWatch RUM's PutRumEvents wire format): present when {@link RUM_FLAG} is on for the
   * stage; absent = the console sends nothing.
   */
  rum: z.optional(
    z.strictObject({
      /** Base URL the events are posted to (`<endpoint>/appmonitors/<appMonitorId>`): the RUM data plane, or the
       * local stack's collector. */
      endpoint: baseUrl(),
      /** The app monitor's id. */
      appMonitorId: z.string().check(z.minLength(1), z.maxLength(64)),
      /** Share of browser sessions recorded, 0–1. */
      sessionSampleRate: z.number().check(z.gte(0), z.lte(1)),
    }),
  ),
});

/** Parsed console runtime configuration. */
export type ConsoleRuntimeConfig = z.output<typeof consoleRuntimeConfigSchema>;

/** Path prefix the console is served under (local stack and CloudFront alike). */
export const CONSOLE_BASE_PATH = '/console/';

/**
 * Files of the console build that exist for the test suites only and are never deployed: the component gallery
 * (`web/gallery.html`, rendered by the visual and accessibility suites with a stand-in token and a mock API).
 * Its hashed chunks under `assets/` are unreachable without it.
 */
export const CONSOLE_TEST_ONLY_FILES: readonly string[] = ['gallery.html'];

/** Scopes the console requests: OpenID Connect identity plus a refresh token for silent renew (tokens stay in memory). */
export const CONSOLE_SCOPE = 'openid profile offline_access';

/**
 * The flag behind the console's real-user monitoring (`rum` in `config.json`): application performance monitoring
 * covers the browser too (lib/config/flags.ts says what it does).
 */
export const RUM_FLAG = 'apm_monitoring_enabled' satisfies FlagName;

/** The local stack's RUM collector (`rum.endpoint` of its `config.json` is `<stack>` + this path). */
export const LOCAL_RUM_PATH = '/_local/rum';

/** App monitor id of the console on the local stack. */
export const LOCAL_RUM_APP_MONITOR_ID = 'marketedge-console-local';

/** What the local stack serves the Operations page from (`operationsPath` of its `config.json`). */
export const LOCAL_OPERATIONS_PATH = '/_local/operations';

/** OAuth client id of the console against the local issuer (`npm start`). */
export const LOCAL_CONSOLE_CLIENT_ID = 'marketedge-console-local';

/** Auth0 single-page-application client id of the console, per stage (public values: a SPA has no secret). */
export const CONSOLE_CLIENT_IDS: Readonly<Record<StageName, string>> = {
  dev: 'marketedge-console-dev',
  staging: 'marketedge-console-staging',
  prod: 'marketedge-console-prod',
};
