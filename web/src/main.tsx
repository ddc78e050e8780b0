import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { loadRuntimeConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadRuntimeConfig().then(
  (config) => {
    // Real-user monitoring only when the stage's config carries it (its flag is on): its own chunk, loaded after.
    const rum = config.rum;
    if (rum)
      void import('./rum/rum').then((m) => m.startRum(rum, { apiOrigin: new URL(config.apiUrl).origin }));
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  },
  (e: unknown) =>
    root.render(
      <main className="page narrow">
        <h1>MarketEdge console</h1>
        <p role="alert">The console could not load its configuration: {String(e)}</p>
      </main>,
    ),
);
