import { randomBytes } from 'node:crypto';

/**
 * Settings of the HTTP toolkit (every REST proxy Lambda), each read once from the environment. CDK sets the same
 * names (`lib/stacks/api-stack.ts`); the local stack and tests may leave them unset.
 */
export const HTTP_SETTINGS = {
  /**
   * `CURSOR_SIGNING_KEY`: the stage's HMAC-SHA256 key for pagination cursors (`cursor.ts`), at least 32 bytes of
   * UTF-8 text, one per stage. Unset → a random key per process (cursors then live as long as the process: right for
   * the local stack and tests; in Lambda a next-page request served by another container answers 400 "not a valid
   * cursor" — CDK does not set the key yet, see docs/api-errors.md).
   */
  cursorSigningKey: { env: 'CURSOR_SIGNING_KEY', minBytes: 32 },
} as const;

/** The resolved HTTP settings. */
export interface HttpSettings {
  /** HMAC key of pagination cursors (≥ 32 bytes). */
  readonly cursorSigningKey: Buffer;
}

/**
 * Reads {@link HTTP_SETTINGS} from `env`.
 * @throws {Error} when `CURSOR_SIGNING_KEY` is set but shorter than 32 bytes
 */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpSettings {
  const { env: name, minBytes } = HTTP_SETTINGS.cursorSigningKey;
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return { cursorSigningKey: randomBytes(minBytes) };
  }
  const key = Buffer.from(raw, 'utf8');
  if (key.length < minBytes) throw new Error(`${name} must be at least ${minBytes} bytes`);
  return { cursorSigningKey: key };
}

let settings: HttpSettings | undefined;

/** The process's HTTP settings, read once on first use. */
export function httpSettings(): HttpSettings {
  settings ??= httpSettingsFromEnv();
  return settings;
}
