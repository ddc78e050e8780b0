import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router';
import { ConsoleCore } from '../app/ConsoleCore';
import { createQueryClient } from '../app/query-client';
import { type AuthState, AuthStateContext } from '../auth/auth-state';
import { loadRuntimeConfig } from '../config';
import '../styles.css';
import './gallery.css';
import { ComponentGallery } from './ComponentGallery';
import { type GalleryParams, galleryToken, parseGalleryParams } from './gallery-params';

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
        <ConsoleCore apiUrl={apiUrl} operationsPath={operationsPath} queryClient={queryClient}>
          {params.view === 'components' ? <ComponentGallery /> : undefined}
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
