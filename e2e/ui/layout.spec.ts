import { expect, test } from '@playwright/test';
import { GALLERY_NOW, GalleryViewer, galleryUser, pagesFor, seedGalleryDb } from '../support/gallery';
import { THEME_CASES } from '../support/themes';
import { VIEWPORTS } from '../support/viewports';

/** What the page's layout measures at one viewport (CSS pixels). */
interface Layout {
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  /** Height the content needs: header + the taller of the page and the navigation's links (with its padding). */
  needed: number;
  /** Bottom edge of the side navigation's box, document coordinates (0 when folded). */
  navBottom: number;
  /** Elements that reach past the right edge of the viewport (tag.class), innermost first. */
  wide: string[];
}

/**
 * Shell layout of every page of the console, at the suites' phone and laptop viewports, over the gallery's seeded
 * data (wide tables, long ids; `e2e/support/gallery.ts`): the issues a new-user tryout found.
 * - 375×812: the page never scrolls sideways (`scrollWidth <= clientWidth`): wide tables scroll inside their own box.
 * - 1440×900: the side navigation's box (its background) runs the full height of the page, and the page is no taller
 *   than its content or the viewport (a `min-height: 100vh` on the layout under the header made every short page
 *   60 px too tall, with a needless scrollbar).
 * One theme per role kind: a tenant admin's (plus the "not allowed" page) and the platform admin's (every page).
 */
const CASES = THEME_CASES.filter((t) => t.id === 'retail' || t.id === 'platform');
const [PHONE, , LAPTOP] = VIEWPORTS;

test.describe.configure({ mode: 'parallel' });

for (const theme of CASES) {
  test(`${theme.id}: no sideways scroll at 375 px; full-height navigation and no extra height at 1440 px`, async ({
    browser,
    baseURL,
  }) => {
    const context = await browser.newContext({ baseURL, viewport: PHONE });
    const db = seedGalleryDb(THEME_CASES);
    // A report of long unbroken strings (a title without spaces at the API's 200-character limit, a URL and an id in
    // the body): they wrap on a phone rather than widen the page.
    const longReportId = `01JGALLERY${'9'.repeat(16)}`;
    db.reports.push({
      tenantId: galleryUser(theme).tenantId,
      reportId: longReportId,
      title: `Q1-footfall-${'north-region-stores-'.repeat(9)}final`.slice(0, 200),
      body: `Source: https://example.com/exports/${'0123456789abcdef'.repeat(6)}?tenant=gallery`,
      tags: [],
      createdBy: 'ada',
      createdAt: new Date(GALLERY_NOW - 60_000).toISOString(),
    });
    const gallery = await GalleryViewer.create(await context.newPage(), db);
    const page = gallery.page;
    const measure = () =>
      page.evaluate((): Layout => {
        // The page's DOM, typed for what is read here (the e2e project compiles without the DOM library).
        interface Box {
          right: number;
          bottom: number;
          height: number;
        }
        interface El {
          tagName: string;
          children: ArrayLike<El>;
          offsetHeight: number;
          getAttribute(name: string): string | null;
          getBoundingClientRect(): Box;
        }
        const g = globalThis as unknown as {
          scrollY: number;
          getComputedStyle(el: El): { paddingTop: string };
          document: {
            documentElement: {
              scrollWidth: number;
              clientWidth: number;
              scrollHeight: number;
              clientHeight: number;
            };
            body: { querySelectorAll(s: string): ArrayLike<El> };
            querySelector(s: string): El | null;
          };
        };
        const d = g.document.documentElement;
        const q = (s: string) => g.document.querySelector(s);
        const header = q('.topbar')?.getBoundingClientRect();
        const main = q('main');
        const nav = q('.sidenav');
        const links = q('.sidenav-links')?.getBoundingClientRect();
        const navPad = nav ? Number.parseFloat(g.getComputedStyle(nav).paddingTop) * 2 : 0;
        const navBox = nav?.getBoundingClientRect();
        const beyond = (e: El) => e.getBoundingClientRect().right > d.clientWidth + 0.5;
        const wide = Array.from(g.document.body.querySelectorAll('*'))
          .filter((el) => beyond(el) && !Array.from(el.children).some(beyond))
          .map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`);
        return {
          scrollWidth: d.scrollWidth,
          clientWidth: d.clientWidth,
          scrollHeight: d.scrollHeight,
          clientHeight: d.clientHeight,
          needed: Math.ceil(
            (header?.height ?? 0) + Math.max(main?.offsetHeight ?? 0, (links?.height ?? 0) + navPad),
          ),
          navBottom: navBox && navBox.height > 0 ? Math.round(navBox.bottom + g.scrollY) : 0,
          wide: wide.slice(0, 5),
        };
      });
    const pages = [
      ...pagesFor(theme),
      { id: 'report-long-strings', path: `/reports/${longReportId}`, view: 'page' as const },
    ];
    for (const p of pages) {
      await page.setViewportSize(PHONE);
      await gallery.show(theme, { view: p.view, path: p.path });
      const phone = await measure();
      expect
        .soft(phone.scrollWidth, `${p.id} at 375 px scrolls sideways; too wide: ${phone.wide.join(', ')}`)
        .toBeLessThanOrEqual(phone.clientWidth);
      await page.setViewportSize(LAPTOP);
      const laptop = await measure();
      expect
        .soft(laptop.scrollHeight, `${p.id} at 1440 px is taller than its content and the viewport`)
        .toBeLessThanOrEqual(Math.max(laptop.clientHeight, laptop.needed));
      expect
        .soft(laptop.navBottom, `${p.id} at 1440 px: the navigation's box ends before the page does`)
        .toBe(laptop.scrollHeight);
    }
    await context.close();
  });
}
