import { expect, type Page, type Route } from '@playwright/test';
import { getResponse } from 'msw';
import type { SecurityEvent } from '../../lambdas/shared/security/event-schema';
import type { Role } from '../../lib/config/roles';
import type { AuditEntry, Bypass, Report, Rule, Tenant, UsageEntry } from '../../web/src/api/types';
import { PAGE_META } from '../../web/src/app/page-meta';
import { GALLERY_TOKEN_PREFIX } from '../../web/src/gallery/gallery-params';
import { createMockDb, type MockDb } from '../../web/test/mock-api/db';
import { createHandlers, TEST_API_URL } from '../../web/test/mock-api/handlers';
import { consolePath } from './console';
import { baseUrl } from './env';
import type { ThemeCase } from './themes';
import { platformTenantId } from './tokens';

/**
 * The console's component gallery (`/console/gallery.html`, web/src/gallery) as the visual and accessibility suites
 * drive it: every page of the real shell, or every major component, as one tenant and role of a {@link ThemeCase},
 * over the mock API (`web/test/mock-api`, the same MSW handlers and Lambda schemas as the console's unit tests) with
 * a fixed clock. Why this data source: the real stack's data carries server-made ids, timestamps and live counters,
 * so screenshots of it cannot be stable; the mock answers every route of the route table from a seeded in-memory
 * database, deterministically. The console build, stylesheet, fonts and browser are the real ones.
 */

/** The fixed "now" of every gallery page (browser clock and mock database), epoch ms. */
export const GALLERY_NOW = Date.parse('2026-01-15T10:00:00.000Z');

/** Tenant ids of the seeded gallery database, per theme case (the platform case is the seed's operator). */
function tenantIdOf(theme: ThemeCase): string {
  return theme.tenant ? `gallery-${theme.id}` : platformTenantId();
}

/** The user the gallery signs in as for a theme case. */
export function galleryUser(theme: ThemeCase): { tenantId: string; userId: string; roles: Role[] } {
  return {
    tenantId: tenantIdOf(theme),
    userId: theme.role === 'platform-admin' ? 'ops-olu' : 'ada',
    roles: [theme.role],
  };
}

const TENANT_NAMES: Record<string, string> = {
  retail: 'Harbour Retail',
  hospitality: 'Lakeside Hotels',
  leisure: 'Summit Leisure',
};

const iso = (offsetMin: number) => new Date(GALLERY_NOW + offsetMin * 60_000).toISOString();

/**
 * A fresh database with one tenant per theme case (plus a suspended one), three reports per tenant, usage, per-user
 * overrides, a bypass and audit entries — all with fixed ids and times relative to {@link GALLERY_NOW}.
 */
export function seedGalleryDb(themes: readonly ThemeCase[]): MockDb {
  const db = createMockDb();
  db.now = () => GALLERY_NOW;
  const tenants: Tenant[] = themes.map((t) => {
    const tenantId = tenantIdOf(t);
    const vertical = t.tenant?.vertical ?? 'platform';
    return {
      tenantId,
      name: t.tenant
        ? (t.tenant.branding?.displayName ?? TENANT_NAMES[vertical] ?? tenantId)
        : 'MarketEdge (operator)',
      tier: t.tenant ? 'standard' : 'enterprise',
      vertical,
      status: 'active',
      apiKeyId: `key-${tenantId}`,
      version: 3,
      createdAt: iso(-60 * 24 * 30),
      updatedAt: iso(-60 * 24),
      ...(t.tenant?.branding ? { branding: { ...t.tenant.branding } } : {}),
    } as Tenant;
  });
  tenants.push({
    tenantId: 'gallery-suspended',
    name: 'Old Mill Cinemas',
    tier: 'free',
    vertical: 'leisure',
    status: 'suspended',
    apiKeyId: 'key-gallery-suspended',
    version: 5,
    createdAt: iso(-60 * 24 * 90),
    updatedAt: iso(-60 * 24 * 2),
  } as Tenant);
  for (const t of tenants) {
    db.tenants.set(t.tenantId, t);
    db.reports.push(...reportsOf(t.tenantId));
    db.usage.set(t.tenantId, usageOf());
    db.limits.set(t.tenantId, { rules: overridesOf(), version: 2, updatedAt: iso(-90) });
    db.audit.push(...auditOf(`TENANT#${t.tenantId}`, t.tenantId));
    db.bypasses.set(t.tenantId, [bypassOf()]);
  }
  db.audit.push(...auditOf('PLATFORM', platformTenantId()));
  db.security = securityOf();
  return db;
}

/** The security page's data: two blocks, one clamp, a few events (fixed times relative to {@link GALLERY_NOW}). */
function securityOf(): MockDb['security'] {
  const nowSec = Math.floor(GALLERY_NOW / 1000);
  const event = (
    minutesAgo: number,
    e: Pick<SecurityEvent, 'type' | 'outcome' | 'reason'> & Partial<SecurityEvent>,
  ): SecurityEvent => ({
    time: iso(-minutesAgo),
    tenantId: '-',
    principal: '-',
    principalType: 'unknown',
    sourceIp: '-',
    userAgent: '-',
    route: '-',
    requestId: `req-sec-${minutesAgo}`,
    stage: 'dev',
    details: {},
    ...e,
  });
  return {
    blocks: [
      {
        cidr: '203.0.113.30/32',
        version: 4,
        severity: 8,
        source: 'guardduty',
        reason: 'Recon:EC2/PortProbeUnprotectedPort',
        ref: 'finding-gallery-1',
        createdAt: GALLERY_NOW - 20 * 60_000,
        expiresAt: nowSec + 40 * 60,
      },
      {
        cidr: '192.0.2.66/32',
        version: 4,
        severity: 7,
        source: 'failed-auth',
        reason: 'failed_auth_per_ip',
        ref: 'evt-gallery-2',
        createdAt: GALLERY_NOW - 5 * 60_000,
        expiresAt: nowSec + 10 * 60,
      },
    ],
    clamps: [
      {
        tenantId: 'gallery-retail',
        previousRules: [],
        version: 2,
        reason: 'failed_auth_per_tenant',
        ref: 'evt-gallery-3',
        createdAt: GALLERY_NOW - 8 * 60_000,
        expiresAt: nowSec + 52 * 60,
      },
    ],
    events: [
      event(2, {
        type: 'IpBlocked',
        outcome: 'blocked',
        reason: 'failed_auth_per_ip',
        sourceIp: '192.0.2.66/32',
      }),
      event(3, {
        type: 'FailedAuthThresholdExceeded',
        outcome: 'detected',
        reason: 'per_ip',
        sourceIp: '192.0.2.66',
      }),
      event(4, {
        type: 'AuthFailed',
        outcome: 'unauthorized',
        reason: 'token_expired',
        sourceIp: '192.0.2.66',
        route: '/v1/me',
      }),
      event(6, {
        type: 'AuthDenied',
        outcome: 'forbidden',
        reason: 'tenant_suspended',
        sourceIp: '198.51.100.7',
        tenantId: 'gallery-suspended',
        route: '/v1/reports',
      }),
      event(20, {
        type: 'GuardDutyFinding',
        outcome: 'detected',
        reason: 'guardduty_high',
        details: { band: 'high', severity: 8 },
      }),
    ],
  };
}

function reportsOf(tenantId: string): Report[] {
  const rows: [string, string, string[]][] = [
    [
      'Q1 footfall by region',
      'Footfall rose 6 % in the north and fell 2 % in the south.',
      ['footfall', 'q1'],
    ],
    ['Competitor price watch', 'Competitor prices fell 4 % in the north.', ['prices', 'north']],
    ['Weekend demand outlook', 'Demand peaks on Saturdays between 11:00 and 14:00.', []],
  ];
  return rows.map(([title, body, tags], i) => ({
    tenantId,
    reportId: `01JGALLERY${String(i + 1).padStart(16, '0')}`,
    title,
    body,
    tags,
    createdBy: i === 0 ? 'ada' : 'grace',
    createdAt: iso(-60 * (i + 1)),
  }));
}

function usageOf(): UsageEntry[] {
  return [
    {
      ruleId: 'tenant-rate',
      scope: 'tenant',
      kind: 'rate',
      mode: 'enforce',
      limit: 1200,
      capacity: 1200,
      remaining: 913,
      used: 287,
      resetSec: 12,
      periodSec: 60,
    },
    {
      ruleId: 'user-rate',
      scope: 'user',
      kind: 'rate',
      mode: 'enforce',
      limit: 300,
      capacity: 300,
      remaining: 0,
      used: 300,
      resetSec: 41,
      periodSec: 60,
    },
    {
      ruleId: 'tenant-daily',
      scope: 'tenant',
      kind: 'quota',
      mode: 'shadow',
      limit: 20000,
      capacity: 20000,
      remaining: 15420,
      used: 4580,
      resetSec: 50_400,
      window: 'day',
    },
  ] as UsageEntry[];
}

function overridesOf(): Rule[] {
  return [
    {
      id: 'user-grace-rate',
      scope: 'user',
      subject: 'grace',
      kind: 'rate',
      limit: 30,
      periodSec: 60,
      mode: 'enforce',
    },
    {
      id: 'user-lin-rate',
      scope: 'user',
      subject: 'lin',
      kind: 'rate',
      limit: 10,
      periodSec: 60,
      mode: 'shadow',
    },
  ] as Rule[];
}

function bypassOf(): Bypass {
  const expiresAt = Math.floor(GALLERY_NOW / 1000) + 45 * 60;
  return {
    bypassId: 'bp-gallery-1',
    reason: 'incident 42: launch traffic',
    createdBy: 'ops-olu',
    createdAt: iso(-15),
    expiresAt,
    expiresAtIso: new Date(expiresAt * 1000).toISOString(),
  };
}

function auditOf(pk: string, tenantId: string): AuditEntry[] {
  const actions: [string, string, string][] = [
    ['limits.update', 'PUT /admin/tenants/{tenantId}/limits', `/admin/tenants/${tenantId}/limits`],
    ['bypass.create', 'POST /admin/tenants/{tenantId}/bypass', `/admin/tenants/${tenantId}/bypass`],
    ['tenant.update', 'PATCH /admin/tenants/{tenantId}', `/admin/tenants/${tenantId}`],
  ];
  return actions.map(([action, route, resource], i) => {
    const at = iso(-120 + i * 20);
    return {
      pk,
      sk: `${at}#req-gallery-${i + 1}`,
      actor: { userId: 'ops-olu', tenantId: platformTenantId(), roles: ['platform-admin'] },
      action,
      route,
      resource,
      before: i === 0 ? { limit: 60 } : null,
      after: i === 0 ? { limit: 30 } : { n: i },
      requestId: `req-gallery-${i + 1}`,
      at,
    } as AuditEntry;
  });
}

/** One page of the console as the gallery shows it. */
export interface GalleryPage {
  /** Name in test titles and screenshot files (`home`, `reports-new`, `report`, `not-found`, `signed-out` …). */
  id: string;
  /** Console path inside the shell (`/reports/…`), with any query. */
  path: string;
  view: 'page' | 'signed-out';
}

/** Path of a page definition with its parameters filled from the seeded database. */
function concretePath(path: string, theme: ThemeCase): string {
  return `/${path}`
    .replace(':reportId', reportsOf(tenantIdOf(theme))[0]!.reportId)
    .replace(':tenantId', 'gallery-retail')
    .replace(/^\/platform\/usage$/, '/platform/usage?tenant=gallery-retail');
}

/**
 * Every page a theme case's role may open (from the console's page table, `web/src/app/pages.ts`), plus "not found",
 * "not allowed" (a platform page for tenant roles) and the signed-out screen.
 */
export function pagesFor(theme: ThemeCase): GalleryPage[] {
  const allowed = PAGE_META.filter(
    (p) => !('roles' in p) || (p.roles as readonly Role[]).includes(theme.role),
  );
  const pages: GalleryPage[] = allowed.map((p) => ({
    id: p.path === '' ? 'home' : p.path.replace(/\/:\w+/g, '-item').replace(/\//g, '-'),
    path: concretePath(p.path, theme),
    view: 'page',
  }));
  pages.push({ id: 'not-found', path: '/no-such-page', view: 'page' });
  if (theme.role !== 'platform-admin')
    pages.push({ id: 'forbidden', path: '/platform/tenants', view: 'page' });
  return pages;
}

/** The gallery URL for a theme case and a page (or `view=components`). */
export function galleryUrl(
  theme: ThemeCase,
  target: { view: 'page' | 'signed-out' | 'components'; path?: string },
): string {
  const u = galleryUser(theme);
  const q = new URLSearchParams({
    tenant: u.tenantId,
    user: u.userId,
    roles: u.roles.join(','),
    view: target.view,
  });
  if (target.path) q.set('path', target.path);
  return `${consolePath('gallery.html')}?${q}`;
}

/**
 * Answers the gallery's API calls from `db` inside the browser (`page.route`): every request to the API origin
 * that is not a console file goes to the mock API's MSW handlers (via `getResponse`), with the gallery's stand-in
 * token read as the mock's test token. Unmatched requests get 501, never the real network.
 * @returns the API calls made (method and path), for the report
 */
export async function routeToMockApi(
  page: Page,
  apiOrigin: string,
  db: MockDb,
): Promise<{ calls: string[]; inFlight: () => number }> {
  const handlers = createHandlers(() => db);
  const calls: string[] = [];
  let pending = 0;
  // A RegExp, not a predicate: Playwright can match a RegExp in its own process, so only API calls are paused and
  // sent to this worker. A predicate function makes it pause every request of the page (each script, stylesheet,
  // `config.json`) and ask the worker — a detour a user's browser never takes, which under load added seconds to
  // the load the quality suite measures.
  const literal = (x: string) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const apiCall = new RegExp(`^${literal(apiOrigin)}(?!${literal(consolePath())})/`);
  await page.route(apiCall, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    calls.push(`${req.method()} ${url.pathname}`);
    pending += 1;
    try {
      await answer(route, req, url);
    } finally {
      pending -= 1;
    }
  });
  return { calls, inFlight: () => pending };

  async function answer(route: Route, req: ReturnType<Route['request']>, url: URL): Promise<void> {
    const headers = new Headers(await req.allHeaders());
    const auth = headers.get('authorization');
    if (auth?.startsWith(`Bearer ${GALLERY_TOKEN_PREFIX}|`)) {
      headers.set('authorization', auth.replace(`Bearer ${GALLERY_TOKEN_PREFIX}|`, 'Bearer test|'));
    }
    const body = req.postDataBuffer();
    const request = new Request(`${TEST_API_URL}${url.pathname}${url.search}`, {
      method: req.method(),
      headers,
      ...(body && req.method() !== 'GET' && req.method() !== 'HEAD' ? { body } : {}),
    });
    const res = await getResponse(handlers, request);
    if (!res) {
      await route.fulfill({
        status: 501,
        json: { message: `not mocked: ${req.method()} ${url.pathname}` },
      });
      return;
    }
    await route.fulfill({
      status: res.status,
      headers: {
        ...Object.fromEntries(res.headers),
        'access-control-allow-origin': '*',
        'access-control-expose-headers': '*',
      },
      body: Buffer.from(await res.arrayBuffer()),
    });
  }
}

let origin: Promise<string> | undefined;

/** Origin of the API the console talks to (`apiUrl` of the stage's `/console/config.json`). */
function apiOrigin(page: Page): Promise<string> {
  origin ??= page.request.get(`${baseUrl()}${consolePath('config.json')}`).then(async (res) => {
    expect(res.status()).toBe(200);
    return new URL(((await res.json()) as { apiUrl: string }).apiUrl).origin;
  });
  return origin;
}

/** Options of {@link openGallery}. */
export interface OpenGalleryOptions {
  theme: ThemeCase;
  view: 'page' | 'signed-out' | 'components';
  path?: string;
  db: MockDb;
}

/**
 * Opens a gallery view with the clock fixed at {@link GALLERY_NOW} and the API answered by the mock — one real
 * navigation, as the Web Vitals spec needs — then waits until it is settled ({@link settleLoadedGallery}).
 * @returns the API calls the page made (method and path)
 */
export async function openGallery(page: Page, opts: OpenGalleryOptions): Promise<string[]> {
  await page.clock.setFixedTime(GALLERY_NOW);
  const { calls, inFlight } = await routeToMockApi(page, await apiOrigin(page), opts.db);
  await page.goto(galleryUrl(opts.theme, opts), { waitUntil: 'commit' });
  await settleLoadedGallery(page, inFlight, opts.view === 'components' ? 1 : 0, opts.path ?? opts.view);
  return calls;
}

/** Consecutive idle checks that make a freshly loaded gallery page settled ({@link settleLoadedGallery}). */
const SETTLE_QUIET_CHECKS = 4;
/** Poll interval of {@link settleLoadedGallery}'s check inside the page, ms. */
const SETTLE_POLL_MS = 50;
/**
 * Time a fresh load has to settle, ms, counted from the navigation's commit: the whole load is in it (the old
 * `goto` waited for the `load` event first, then gave the `h1` and the settle 15 s each).
 */
const SETTLE_LOAD_TIMEOUT_MS = 30_000;

/**
 * {@link settleGallery} for a page that was just loaded (`page.goto`), with the checks inside the page: the `h1`
 * shown, no query or mutation running in the page's data client, no `.loading` (other than `loadings`), nothing
 * `aria-busy`, web fonts loaded — in {@link SETTLE_QUIET_CHECKS} consecutive checks {@link SETTLE_POLL_MS} apart, run
 * by `waitForFunction` (counted, not timed: the page's clock is fixed) — then no API call in flight in the route (`inFlight`). One round trip to the browser per settle
 * instead of two per check: under load a round trip took 0.1–0.5 s (Firefox over WebDriver BiDi), and the polling
 * loop of `evaluate` + `waitForTimeout` was 2–7 s of each Web Vitals test (docs/testing.md). Only for a fresh load:
 * there the page shows its Suspense fallback (`.loading`) until its chunk and data are in, whereas after a
 * client-side navigation React may keep the previous, idle page on screen while the next one loads (a transition),
 * which {@link settleGallery}'s longer loop waits out.
 * @throws Error naming `label` when the page is not settled within {@link SETTLE_LOAD_TIMEOUT_MS}
 */
export async function settleLoadedGallery(
  page: Page,
  inFlight: () => number,
  loadings: number,
  label: string,
): Promise<void> {
  const deadline = Date.now() + SETTLE_LOAD_TIMEOUT_MS;
  for (let round = 0; ; round += 1) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`gallery not settled at ${label}`);
    await page
      .waitForFunction(
        ({ n, checks, round }) => {
          const g = globalThis as unknown as {
            gallery?: { busy(): number };
            __settle?: { round: number; quiet: number };
            document: {
              querySelector(s: string): { getClientRects(): { length: number } } | null;
              querySelectorAll(s: string): { length: number };
              fonts: { status: string };
            };
          };
          const d = g.document;
          const h1 = d.querySelector('h1');
          const idle =
            h1 !== null &&
            h1.getClientRects().length > 0 &&
            (g.gallery?.busy() ?? 0) === 0 &&
            d.querySelectorAll('.loading').length === n &&
            d.querySelectorAll('[aria-busy="true"]').length === 0 &&
            d.fonts.status === 'loaded';
          if (g.__settle?.round !== round) g.__settle = { round, quiet: 0 };
          g.__settle.quiet = idle ? g.__settle.quiet + 1 : 0;
          return g.__settle.quiet >= checks;
        },
        { n: loadings, checks: SETTLE_QUIET_CHECKS, round },
        { polling: SETTLE_POLL_MS, timeout: left },
      )
      .catch((e: unknown) => {
        throw new Error(`gallery not settled at ${label}: ${String(e)}`);
      });
    if (inFlight() === 0) return;
  }
}

/**
 * Waits until a gallery page is settled: the `h1` shown, no API call in flight in the route (`inFlight`) and no
 * query or mutation running in the page's data client, no `.loading` (other than `loadings` shown on purpose) and
 * nothing `aria-busy` — all of it in four consecutive checks 50 ms apart (pages chain queries: tenant, then its
 * limits …; the route focus lands after the lazy page's chunk) — and web fonts ready.
 * @throws Error naming `label` when the page is not settled within 15 s
 */
export async function settleGallery(
  page: Page,
  inFlight: () => number,
  loadings: number,
  label: string,
): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  const idle = () =>
    page.evaluate((n) => {
      const g = globalThis as unknown as {
        gallery?: { busy(): number };
        document: { querySelectorAll(s: string): { length: number } };
      };
      return (
        (g.gallery?.busy() ?? 0) === 0 &&
        g.document.querySelectorAll('.loading').length === n &&
        g.document.querySelectorAll('[aria-busy="true"]').length === 0
      );
    }, loadings);
  const deadline = Date.now() + 15_000;
  for (let quiet = 0; quiet < 4; ) {
    if (Date.now() > deadline) throw new Error(`gallery not settled at ${label}`);
    quiet = inFlight() === 0 && (await idle()) ? quiet + 1 : 0;
    if (quiet < 4) await page.waitForTimeout(50);
  }
  await page.evaluate(() =>
    (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready.then(
      () => undefined,
    ),
  );
}

/** Where a {@link GalleryViewer} loads the gallery before navigating to a page (the console's "not found" page). */
const START_PATH = '/gallery-start';

/**
 * One loaded gallery that shows page after page — the visual suite's way to keep each screenshot cheap. It loads
 * `gallery.html` once per theme and view (clock fixed at {@link GALLERY_NOW}, API answered by the mock from one seeded
 * database, route installed once) and then moves between the theme's pages by client-side navigation
 * (`window.gallery.navigate`, web/src/gallery/main.tsx), as a user following the console's links does: no reload,
 * chunks and data already fetched are reused, only the page's own queries run.
 *
 * Every page is reached by a navigation, never shown as the first load, so the console's route focus (the new page's
 * `h1`, `useRouteFocus`) is in the same state whichever test ran before on the worker; after each load a key press
 * puts the browser in keyboard modality, so `:focus-visible` does not depend on history either. The suite never
 * uses the mouse (no hover state).
 */
export class GalleryViewer {
  /** `<theme>|<view>` of the loaded gallery. */
  private loaded?: string;
  /** Console path shown. */
  private path?: string;

  private constructor(
    readonly page: Page,
    private readonly inFlight: () => number,
  ) {}

  /** A viewer on `page` (a page of its own, reused across tests), answering the API from `db`. */
  static async create(page: Page, db: MockDb): Promise<GalleryViewer> {
    await page.clock.setFixedTime(GALLERY_NOW);
    const { inFlight } = await routeToMockApi(page, await apiOrigin(page), db);
    return new GalleryViewer(page, inFlight);
  }

  /**
   * Shows a page (`view: 'page'`, console `path`), the components view or the signed-out screen as `theme`, and waits
   * until it is settled ({@link GalleryViewer.settle}).
   */
  async show(
    theme: ThemeCase,
    target: { view: 'page' | 'signed-out' | 'components'; path?: string },
  ): Promise<void> {
    const key = `${theme.id}|${target.view}`;
    if (this.loaded !== key) {
      this.loaded = undefined;
      const path = target.view === 'page' ? START_PATH : undefined;
      await this.page.goto(galleryUrl(theme, { view: target.view, ...(path ? { path } : {}) }));
      await expect(this.page.getByRole('heading', { level: 1 }).first()).toBeVisible();
      await this.page.waitForFunction(() => 'gallery' in globalThis);
      await this.page.keyboard.press('Shift');
      this.loaded = key;
      this.path = path;
    }
    if (target.view === 'page') {
      const path = target.path ?? '/';
      // The same path twice would be no navigation (and no route focus): pass by the start page first.
      if (this.path === path) await this.navigate(START_PATH);
      await this.navigate(path);
    }
    await this.settle(target.view === 'components' ? 1 : 0);
  }

  private async navigate(path: string): Promise<void> {
    await this.page.evaluate((p) => {
      (globalThis as unknown as { gallery: { navigate(path: string): void } }).gallery.navigate(p);
    }, path);
    this.path = path;
  }

  /** Waits until the page is settled ({@link settleGallery}); `loadings` = `.loading` elements shown on purpose. */
  async settle(loadings = 0): Promise<void> {
    await settleGallery(this.page, this.inFlight, loadings, this.path ?? this.loaded ?? 'gallery');
  }
}
