import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { loadRuntimeConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadRuntimeConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (e: unknown) =>
    root.render(
      <main className="page narrow">
        <h1>MarketEdge console</h1>
        <p role="alert">The console could not load its configuration: {String(e)}</p>
      </main>,
    ),
);
