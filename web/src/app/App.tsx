import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import { OidcAuth } from '../auth/oidc';
import type { ConsoleRuntimeConfig } from '../config';
import { ConsoleCore } from './ConsoleCore';
import { createQueryClient } from './query-client';

/** The console: OIDC (authorization code + PKCE), router under the base path, and the core. */
export function App({ config }: { config: ConsoleRuntimeConfig }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <OidcAuth config={config}>
      <BrowserRouter basename={import.meta.env.BASE_URL.replace(/\/$/, '')}>
        <ConsoleCore
          apiUrl={config.apiUrl}
          operationsPath={config.operationsPath}
          queryClient={queryClient}
        />
      </BrowserRouter>
    </OidcAuth>
  );
}
