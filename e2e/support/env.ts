/**
 * Where the suites find the local stack. `playwright.config.ts` picks a free port once, in the runner process, and
 * publishes it as `E2E_PORT` before any worker starts (workers inherit the runner's environment), so every worker
 * and the `webServer` agree on one port. `E2E_BASE_URL` points the suites at an already deployed stage instead
 * (the pipeline's post-deploy steps); tokens are then not minted locally (see tokens.ts).
 */
export function baseUrl(): string {
  if (process.env.E2E_BASE_URL) return process.env.E2E_BASE_URL.replace(/\/$/, '');
  const port = process.env.E2E_PORT;
  if (!port) throw new Error('E2E_PORT is not set: run the suites through playwright.config.ts');
  return `http://localhost:${port}`;
}
