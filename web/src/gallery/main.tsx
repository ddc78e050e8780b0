import type { QueryClient } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter, useNavigate } from 'react-router';
import { ConsoleCore } from '../app/ConsoleCore';
import { createQueryClient } from '../app/query-client';
import { type AuthState, AuthStateContext } from '../auth/auth-state';
import { loadRuntimeConfig } from '../config';
import '../styles.css';
import './gallery.css';
import { type GalleryParams, galleryToken, parseGalleryParams } from './gallery-params';

/**
 * What the gallery offers the browser suites on `window.gallery` (`e2e/support/gallery.ts`), so one loaded gallery can
 * show page after page of one tenant without a reload:
 * - `navigate(path)`: client-side navigation of the console (as its links do), e.g. `/reports`;
 * - `busy()`: data requests or mutations of the page's data client still running (0 = the data is in).
 */
export interface GalleryControl {
  navigate(path: string): void;
  busy(): number;
}

/**
 * The components view, a chunk of its own: every specimen (rule editor, charts, bypass panel…) and the tier table with
 * its zod schemas. Imported statically it made every gallery page load and run that code — code the console never
 * loads at start-up — so the Web Vitals suite measured more start-up work than a user's browser does (zod alone was
 * 95 KB of it; docs/testing.md, "Web Vitals").
 */
const ComponentGallery = lazy(() =>
  import('./ComponentGallery').then((m) => ({ default: m.ComponentGallery })),
);

function GalleryControlHook({ queryClient }: { queryClient: QueryClient }) {
  const navigate = useNavigate();
  useEffect(() => {
    const control: GalleryControl = {
      navigate: (path) => {
        navigate(path);
      },
      busy: () => queryClient.isFetching() + queryClient.isMutating(),
    };
    (window as unknown as { gallery?: GalleryControl }).gallery = control;
  }, [navigate, queryClient]);
  return null;
}

/**
 * The component gallery (`/console/gallery.html`): the console's own components and pages, from the same build and
 * stylesheet, mounted without OIDC so the visual and accessibility suites can render any page as any tenant and role
 * over deterministic data. It sends a stand-in token that real APIs refuse; the suites answer its API calls from the
 * mock API (`web/test/mock-api`) by intercepting them in the browser. docs/visual-testing.md.
 */
function Gallery({
  params,
  apiUrl,
  operationsPath,
}: {
  params: GalleryParams;
  apiUrl: string;
  operationsPath?: string;
}) {
  const [queryClient] = useState(createQueryClient);
  const auth: AuthState = {
    status: params.view === 'signed-out' ? 'signed-out' : 'signed-in',
    ...(params.view === 'signed-out' ? {} : { accessToken: galleryToken(params) }),
    userName: params.userId,
    signIn: () => {},
    signOut: () => {},
  };
  return (
    <AuthStateContext.Provider value={auth}>
      <MemoryRouter initialEntries={[params.path]}>
        <GalleryControlHook queryClient={queryClient} />
        <ConsoleCore apiUrl={apiUrl} operationsPath={operationsPath} queryClient={queryClient}>
          {params.view === 'components' ? (
            // No fallback: the suites wait for the view's h1, which comes with it.
            <Suspense fallback={null}>
              <ComponentGallery />
            </Suspense>
          ) : undefined}
        </ConsoleCore>
      </MemoryRouter>
    </AuthStateContext.Provider>
  );
}

const root = createRoot(document.getElementById('root') as HTMLElement);
loadRuntimeConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <Gallery
          params={parseGalleryParams(window.location.search)}
          apiUrl={config.apiUrl}
          operationsPath={config.operationsPath}
        />
      </StrictMode>,
    ),
  (e: unknown) => root.render(<p role="alert">The gallery could not load its configuration: {String(e)}</p>),
);
