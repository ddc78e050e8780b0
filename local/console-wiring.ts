import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  CONSOLE_BASE_PATH,
  CONSOLE_SCOPE,
  LOCAL_CONSOLE_CLIENT_ID,
  LOCAL_OPERATIONS_PATH,
  LOCAL_RUM_APP_MONITOR_ID,
  LOCAL_RUM_PATH,
  RUM_FLAG,
} from '../lib/config/console';
import { localCanaryClient } from './canary/client';
import { createConsoleServer } from './console-server';
import type { DevKey } from './dev-key';
import { type DemoUser, LocalLoginServer } from './oidc-login';
import { repoRoot } from './paths';
import type { Seed } from './seed';

/** What the console front door is built from (parts of the running stack). */
export interface ConsoleWiring {
  /** Base URL of the stack, e.g. `http://localhost:3000`. */
  url: string;
  issuer: string;
  audience: string;
  claimsNamespace: string;
  devKey: DevKey;
  seed: Seed;
  env?: NodeJS.ProcessEnv;
  /** Whether {@link RUM_FLAG} is on now: `config.json` then carries `rum` (the local collector). */
  rumEnabled?: () => Promise<boolean>;
}

/** The demo users of the seed, as the login page lists them. */
export function demoUsers(seed: Seed): DemoUser[] {
  return seed.tenants.flatMap((t) =>
    t.users.map((u) => ({
      tenantId: t.tenantId,
      tenantName: t.name,
      vertical: t.vertical,
      tier: t.tier,
      status: t.status,
      userId: u.userId,
      roles: [...u.roles],
    })),
  );
}

/**
 * Builds the listener for `/console/*` (static files from `web/dist`, `config.json` for this stack — with `rum`, the
 * local collector, while `${RUM_FLAG}` is on: read on every request, like the Lambdas read flags) and the local
 * issuer's `/authorize`, `/oauth/token`, `/oidc/logout`; it answers `true` when it took the request.
 */
export function consoleFrontDoor(w: ConsoleWiring): (req: IncomingMessage, res: ServerResponse) => boolean {
  const consoleUrl = `${w.url}${CONSOLE_BASE_PATH}`;
  const login = new LocalLoginServer({
    issuer: w.issuer,
    audience: w.audience,
    claimsNamespace: w.claimsNamespace,
    key: w.devKey,
    users: demoUsers(w.seed),
    clientIds: [LOCAL_CONSOLE_CLIENT_ID],
    machineClients: [localCanaryClient(w.env)],
    // The console on this stack, and the Vite dev server (`npm run dev:web`, any localhost port).
    redirectPrefixes: [
      consoleUrl,
      ...(w.env?.CONSOLE_DEV_ORIGIN ? [`${w.env.CONSOLE_DEV_ORIGIN}${CONSOLE_BASE_PATH}`] : []),
    ],
  });
  return createConsoleServer({
    distDir: join(repoRoot(w.env), 'web', 'dist'),
    login,
    runtimeConfig: {
      stage: 'local',
      apiUrl: w.url,
      authority: w.issuer,
      clientId: LOCAL_CONSOLE_CLIENT_ID,
      audience: w.audience,
      scope: CONSOLE_SCOPE,
      operationsPath: LOCAL_OPERATIONS_PATH,
    },
    dynamicConfig: async () =>
      (await w.rumEnabled?.())
        ? {
            rum: {
              endpoint: `${w.url}${LOCAL_RUM_PATH}`,
              appMonitorId: LOCAL_RUM_APP_MONITOR_ID,
              sessionSampleRate: 1,
            },
          }
        : {},
  });
}
